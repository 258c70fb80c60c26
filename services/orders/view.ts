// The contract's `order`, and nothing else: no email, no saga, no lease, no idempotency data.
import type { Order } from "./orders.contract";
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
	};
}
