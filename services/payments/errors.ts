// Answers of the payments service that are neither a bad card (422) nor a decline (402).
import { Errors } from "moleculer";
import { ConflictError } from "../../lib/errors";

/**
 * 503: the (simulated) card processor is out, or a charge for this order is still in flight
 * elsewhere. Nothing was charged, so it is retryable, and `isUnreachable()` reads it as "payments
 * is down": the checkout undoes what it did and answers 503.
 */
export class ProcessorUnavailableError extends Errors.MoleculerRetryableError {
	constructor(message = "The card processor is not available right now") {
		super(message, 503, "PAYMENT_PROCESSOR_UNAVAILABLE", { service: "payments" });
		this.name = "ProcessorUnavailableError";
	}
}

/** 409: the order was refunded before it was charged (an undone checkout); charging it now would be a stray charge. */
export class ChargeVoidedError extends ConflictError {
	constructor(orderId: string) {
		super("This order was cancelled before it was charged", "PAYMENT_VOIDED", { orderId });
		this.name = "ChargeVoidedError";
	}
}

/** 409: an order id is an idempotency key; the same key with another amount is a caller's bug, never a second charge. */
export class IdempotencyMismatchError extends ConflictError {
	constructor(orderId: string) {
		super("This order was already charged with another amount or currency", "IDEMPOTENCY_MISMATCH", { orderId });
		this.name = "IdempotencyMismatchError";
	}
}
