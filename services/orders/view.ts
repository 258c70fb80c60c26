// The contract's `order`, and nothing else: no email, no saga, no lease, no idempotency data.
// Admins also see the buyer's e-mail; a failed order also says why it failed.
import type { AdminOrder, Order, OrderFailure } from "./orders.contract";
import type { OrderDoc } from "./model";

export function toOrder(doc: OrderDoc): Order {
	return {
		id: doc._id,
		userId: doc.userId,
		status: doc.status,
		items: doc.items.map(i => ({ productId: i.productId, name: i.name, unitPrice: i.unitPrice, quantity: i.quantity, lineTotal: i.lineTotal })),
		subtotal: doc.subtotal,
		shippingCost: doc.shippingCost,
		total: doc.total,
		currency: doc.currency,
		shippingAddress: { ...doc.shippingAddress },
		payment: { last4: doc.payment.last4, status: doc.payment.status },
		shipment: doc.shipment ? { carrier: doc.shipment.carrier, trackingId: doc.shipment.trackingId, status: doc.shipment.status } : null,
		createdAt: doc.createdAt,
		updatedAt: doc.updatedAt,
		...(doc.status === "failed" ? { failure: failureOf(doc) } : {}),
	};
}

export function toAdminOrder(doc: OrderDoc): AdminOrder {
	return { ...toOrder(doc), email: doc.email };
}

/**
 * The refusal as the buyer was answered it (declined, out of stock…). A 5xx said nothing of its
 * cause to the buyer, and says nothing more here: its message may name nodes or actions.
 */
function failureOf(doc: OrderDoc): OrderFailure {
	const stored = doc.saga.failure;
	if (!stored) return { code: 503, type: "CHECKOUT_INTERRUPTED", message: "The checkout was interrupted and has been undone" };
	if (stored.code >= 500 && stored.type !== "CHECKOUT_INTERRUPTED") return { code: stored.code, type: stored.type, message: "A service the checkout needed did not answer; it was undone" };
	return { code: stored.code, type: stored.type, message: stored.message };
}
