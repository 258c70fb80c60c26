// Charges and refunds of the simulated card processor.
import type { CardDetails } from "./orders";

export type ChargeStatus = "charged" | "declined" | "refunded";

export interface Charge {
	id: string;
	orderId: string;
	amount: number;
	currency: string;
	status: ChargeStatus;
	last4: string;
	createdAt: string;
}

export interface PaymentsActions {
	/** Charge a card once per idempotency key (the order id); a repeat returns the first charge. */
	"payments.charge": { params: { orderId: string; amount: number; currency: string; card: CardDetails }; result: Charge };
	/** Refund an order's charge; idempotent. */
	"payments.refund": { params: { orderId: string }; result: Charge | null };
	"payments.list": { params: { orderId?: string }; result: Charge[] };
}
