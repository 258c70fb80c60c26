// Charges and refunds of the simulated card processor.
import { action, as, contract, type ActionsOf } from "../../lib/contract";

/** What GET /api/payments shows: every charge attempt and where it ended. */
export const CHARGE_STATUSES = ["charged", "declined", "refunded"] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

/** Why a card was declined (PaymentDeclinedError's `data.reason`). */
export type DeclineReason = "card_declined" | "insufficient_funds" | "expired_card";

export interface Charge {
	id: string;
	orderId: string;
	/** Integer cents. */
	amount: number;
	currency: string;
	status: ChargeStatus;
	/** The only part of the card number ever stored or returned. */
	last4: string;
	createdAt: string;
	updatedAt: string;
}

const ORDER_ID = "string|min:1|max:100";

export const PaymentsContract = contract("payments", {
	/**
	 * Charge a card once per order: the order id is the idempotency key, so a repeat (also a
	 * concurrent one, or a retry after a timeout) returns the first charge and never charges twice.
	 * Errors: 422 invalid card (field cardNumber, expMonth, expYear or cvc); 402
	 * PaymentDeclinedError (a declined card or an expired one; recorded, and a repeat is declined
	 * again); 409 PAYMENT_VOIDED when the order was refunded before it was ever charged;
	 * 409 IDEMPOTENCY_MISMATCH when the same order id comes with another amount or currency;
	 * 503 PAYMENT_PROCESSOR_UNAVAILABLE (the simulated outage: nothing charged, safe to retry).
	 */
	charge: action({
		params: {
			$$strict: true,
			orderId: ORDER_ID,
			amount: "number|integer|positive",
			currency: { type: "string", length: 3, pattern: /^[A-Z]{3}$/ },
			// Only "an object" here: the service's checkCard() names a bad field without echoing its
			// value (the validator's own messages would carry the card number back).
			card: { type: "object", props: {} },
		},
		result: as<Charge>(),
	}),
	/**
	 * Refund an order's charge; idempotent. Returns the charge as it now stands (`refunded`, or
	 * `declined` untouched: nothing was taken), or null when the order was never charged. In that
	 * case the order id is voided, so a charge for it that arrives late is refused, not taken.
	 */
	refund: action({ params: { $$strict: true, orderId: ORDER_ID }, result: as<Charge | null>() }),
	/**
	 * GET /api/payments (admin): every charge attempt, newest first, a page at a time (`page` from 1,
	 * `pageSize` 1–500, default 100); the whole count in the X-Total-Count header. `?orderId=` and
	 * `?status=` filter.
	 */
	list: action({
		params: {
			$$strict: true,
			orderId: { type: "string", optional: true, min: 1, max: 100 },
			status: { type: "enum", values: CHARGE_STATUSES, optional: true },
			page: { type: "number", integer: true, min: 1, max: 1_000_000, convert: true, optional: true },
			pageSize: { type: "number", integer: true, min: 1, max: 500, convert: true, optional: true },
		},
		result: as<Charge[]>(),
	}),
});

export type PaymentsActions = ActionsOf<typeof PaymentsContract>;
