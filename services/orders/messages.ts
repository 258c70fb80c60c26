// What the shopper is to be told, as outbox messages: which message, not its words (notifications
// writes those from the order's facts, see factsOf). Keys are "<orderId>:<type>": notifications
// stores one message per key, so relaying one twice never sends it twice.
import type { NotificationType, OrderFacts } from "../notifications/notifications.contract";
import type { OrderDoc, OutboxMessage } from "./model";

export function notification(doc: OrderDoc, type: NotificationType): OutboxMessage {
	return { key: `${doc._id}:${type}`, kind: "notify", type };
}

/** The facts a message tells of, as the order stands when it is relayed (amounts in minor units). */
export function factsOf(doc: OrderDoc): OrderFacts {
	return {
		items: doc.items.map(i => ({ name: i.name, quantity: i.quantity, unitPrice: i.unitPrice, lineTotal: i.lineTotal })),
		subtotal: doc.subtotal,
		shippingCost: doc.shippingCost,
		total: doc.total,
		currency: doc.currency,
		...(doc.shipment ? { shipment: { carrier: doc.shipment.carrier, trackingId: doc.shipment.trackingId } } : {}),
	};
}

/**
 * The paid-for lines leave the cart, not the whole cart: the shopper may have added something in
 * another tab while paying. Through the outbox, so that a cart outage delays it, never loses it.
 */
export function removeOrdered(doc: OrderDoc): OutboxMessage {
	return { key: `${doc._id}:cart.removeOrdered`, kind: "removeOrdered" };
}
