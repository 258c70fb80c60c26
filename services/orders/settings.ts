// The orders service's knobs, from lib/config.ts (every environment variable is read there).
// Defaults suit a laptop and production alike; tests shorten them in the service's settings.
import { config } from "../../lib/config";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";

export interface OrdersTuning {
	baseCurrency: string;
	/** One call to another service during checkout. */
	stepTimeoutMs: number;
	/** How long a saga's runner may go silent before another run takes its order over. */
	leaseMs: number;
	/** How often to look for abandoned orders and undelivered messages. */
	sweepIntervalMs: number;
	/** When to undo a failed checkout a second time, for late-landing steps. */
	recheckMs: number;
	/** How often to ask shipping about every order in transit (a backstop for events sent to an instance that had just died). */
	reconcileIntervalMs: number;
	/** One outbox delivery (a notification, the bought lines out of the cart). */
	relayTimeoutMs: number;
	/** How long an order's undelivered messages wait before the next try. */
	relayRetryMs: number;
	/** How long a request waits for what follows its answer (undoing, the confirmation) before answering. */
	settleWaitMs: number;
	idempotencyTtlMs: number;
	/** How long after an order a checkout of the emptied cart with the same body gets that order again (a late double click). */
	repeatWindowMs: number;
}

export function ordersTuning(): OrdersTuning {
	const o = config.orders;
	return {
		baseCurrency: config.baseCurrency,
		stepTimeoutMs: o.stepTimeoutMs,
		leaseMs: o.leaseMs,
		sweepIntervalMs: o.sweepMs,
		recheckMs: o.recheckMs,
		reconcileIntervalMs: o.reconcileMs,
		relayTimeoutMs: 2_000,
		relayRetryMs: o.relayRetryMs,
		settleWaitMs: o.settleWaitMs,
		idempotencyTtlMs: IDEMPOTENCY_TTL_MS,
		repeatWindowMs: 10_000,
	};
}
