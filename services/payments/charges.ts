// How charges are stored, and what of them is ever shown.
import crypto from "node:crypto";
import type { Doc } from "../../mixins/db.mixin";
import { CHARGE_STATUSES, type Charge, type ChargeStatus, type DeclineReason } from "./payments.contract";

/**
 * One document per order id (a unique index): the order id is the idempotency key.
 * `pending` claims the key while the processor decides; `voided` marks an order refunded before
 * it was ever charged. Neither is a charge attempt anyone is shown.
 * Of the card, only the last 4 digits are ever stored.
 */
export interface ChargeDoc extends Doc {
	orderId: string;
	amount: number;
	currency: string;
	status: ChargeStatus | "pending" | "voided";
	last4: string;
	declineReason: DeclineReason | null;
	/** When the current claim was taken (ms): a pending claim older than the stale limit lost its owner. */
	claimedAt: number;
	createdAt: string;
	updatedAt: string;
	refundedAt: string | null;
}

export const SHOWN_STATUSES: ChargeStatus[] = [...CHARGE_STATUSES];

export function toCharge(doc: ChargeDoc): Charge {
	return {
		id: doc._id,
		orderId: doc.orderId,
		amount: doc.amount,
		currency: doc.currency,
		status: doc.status as ChargeStatus,
		last4: doc.last4,
		createdAt: doc.createdAt,
		updatedAt: doc.updatedAt,
	};
}

/** The claim on an order id while the processor decides. */
export function pendingCharge(orderId: string, amount: number, currency: string, last4: string, now: number): ChargeDoc {
	const at = new Date(now).toISOString();
	return { _id: crypto.randomUUID(), orderId, amount, currency, status: "pending", last4, declineReason: null, claimedAt: now, createdAt: at, updatedAt: at, refundedAt: null };
}

/** The mark of an order refunded before it was charged: a charge for it arriving later is refused. */
export function voidedCharge(orderId: string, now: number): ChargeDoc {
	const at = new Date(now).toISOString();
	return { _id: crypto.randomUUID(), orderId, amount: 0, currency: "", status: "voided", last4: "", declineReason: null, claimedAt: 0, createdAt: at, updatedAt: at, refundedAt: null };
}
