// The order state machine. `status` is what the shopper sees; `saga` is how far the checkout
// (or a cancellation) has got, so that any orders instance can pick up an order where a dead
// one left it.
import type { OrderStatus } from "./orders.contract";

/** Where each status may go next. Every status change in the service goes through `canMove`. */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
	pending: ["confirmed", "failed"],
	// A missed "shipped" event must not stop a "delivered" one from landing.
	confirmed: ["shipped", "delivered", "cancelled"],
	shipped: ["delivered"],
	delivered: [],
	cancelled: [],
	failed: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
	return TRANSITIONS[from].includes(to);
}

/** A status no event or request moves on from. */
export function isFinal(status: OrderStatus): boolean {
	return TRANSITIONS[status].length === 0;
}

/**
 * The checkout's forward steps, in order. `saga.done` counts the ones whose outcome is written
 * on the order; the step after them may have been sent and not answered (a crash, a timeout),
 * and more than one when a step's outcome is not written on its own (saga.ts, `recorded`).
 */
export const STEP_NAMES = ["reserve", "charge", "book", "commit"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export function stepNumber(step: StepName): number {
	return STEP_NAMES.indexOf(step) + 1;
}

/**
 * `checkout`: going forward. `compensating`: undoing a failed checkout. `cancelling`: undoing a
 * confirmed order at the shopper's request. `done`: nothing left to do (status is final or
 * moved by shipping events only).
 */
export type SagaPhase = "checkout" | "compensating" | "cancelling" | "done";

/** The first `attempted` steps: what an undo must undo. */
export function stepsUpTo(attempted: number): Set<StepName> {
	return new Set(STEP_NAMES.slice(0, Math.min(Math.max(attempted, 0), STEP_NAMES.length)));
}

/**
 * How many steps may have taken effect when the step after the `done` ones failed with `err`.
 * An answer (4xx: declined, out of stock, invalid) means that step did nothing: every service
 * does all of a step or none of it. A call never sent (no service to send it to) did nothing
 * either. Anything else (a timeout, a 5xx, a crash) may have landed, so it is undone too:
 * undoing is idempotent everywhere, and a step that never ran is a no-op to undo.
 */
export function attemptedSteps(done: number, outcome: "answered" | "not-sent" | "unknown"): number {
	return outcome === "unknown" ? Math.min(done + 1, STEP_NAMES.length) : done;
}
