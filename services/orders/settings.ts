// The orders service's knobs. Defaults suit a laptop and production alike; tests shorten them.
import { config, envInt } from "../../lib/config";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";

export interface OrdersTuning {
	baseCurrency: string;
	/** One call to another service during checkout (ORDERS_STEP_TIMEOUT_MS). */
	stepTimeoutMs: number;
	/** How long a saga's runner may go silent before another instance takes its order over (ORDERS_LEASE_MS). */
	leaseMs: number;
	/** How often to look for abandoned orders and undelivered messages (ORDERS_SWEEP_MS). */
	sweepIntervalMs: number;
	/** When to undo a failed checkout a second time, for late-landing steps (ORDERS_RECHECK_MS). */
	recheckMs: number;
	/**
	 * How often to ask shipping about every order in transit (ORDERS_RECONCILE_MS), besides once
	 * at start: a backstop for events sent to an instance that had just died.
	 */
	reconcileIntervalMs: number;
	/** One outbox delivery (a notification, the bought lines out of the cart). */
	relayTimeoutMs: number;
	/** How long an order's undelivered messages wait before the next try (ORDERS_RELAY_RETRY_MS). */
	relayRetryMs: number;
	/**
	 * How long a request waits for what follows its answer (undoing a failed checkout, sending the
	 * confirmation) before answering; the rest goes on in the background (ORDERS_SETTLE_WAIT_MS).
	 */
	settleWaitMs: number;
	idempotencyTtlMs: number;
}

/** Milliseconds, at least 1: a zero wait would spin. */
function envMs(name: string, fallback: number): number {
	return envInt(name, fallback, 1);
}

export function ordersTuning(): OrdersTuning {
	const stepTimeoutMs = envMs("ORDERS_STEP_TIMEOUT_MS", 3_000);
	const leaseMs = envMs("ORDERS_LEASE_MS", 15_000);
	// A lease shorter than a step would let a second instance undo a step still in flight.
	if (leaseMs <= stepTimeoutMs) throw new Error(`ORDERS_LEASE_MS (${leaseMs}) must be longer than ORDERS_STEP_TIMEOUT_MS (${stepTimeoutMs})`);
	return {
		baseCurrency: config.baseCurrency,
		stepTimeoutMs,
		leaseMs,
		sweepIntervalMs: envMs("ORDERS_SWEEP_MS", 2_000),
		recheckMs: envMs("ORDERS_RECHECK_MS", 60_000),
		reconcileIntervalMs: envMs("ORDERS_RECONCILE_MS", 5 * 60_000),
		relayTimeoutMs: 2_000,
		relayRetryMs: envMs("ORDERS_RELAY_RETRY_MS", 5_000),
		settleWaitMs: envMs("ORDERS_SETTLE_WAIT_MS", 1_000),
		idempotencyTtlMs: IDEMPOTENCY_TTL_MS,
	};
}
