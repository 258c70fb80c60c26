// What the shopper is told, as outbox messages. Keys are "<orderId>:<type>": notifications
// stores one message per key, so relaying one twice never sends it twice.
import { CURRENCIES } from "../currency/rates";
import type { NotificationType } from "../notifications/notifications.contract";
import type { OrderDoc, OutboxMessage } from "./model";

/** Minor units as the currency writes them: 1999 USD is "19.99 USD", 1999 JPY is "1999 JPY". */
export function money(minor: number, currency: string): string {
	const exponent = CURRENCIES[currency]?.exponent ?? 2;
	const sign = minor < 0 ? "-" : "";
	const abs = Math.abs(minor);
	if (exponent === 0) return `${sign}${abs} ${currency}`;
	const unit = 10 ** exponent;
	return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exponent, "0")} ${currency}`;
}

function shortId(id: string): string {
	return id.slice(0, 8).toUpperCase();
}

const SUBJECTS: Record<NotificationType, (ref: string) => string> = {
	"order.confirmed": ref => `Your order ${ref} is confirmed`,
	"order.cancelled": ref => `Your order ${ref} is cancelled`,
	"order.shipped": ref => `Your order ${ref} is on its way`,
	"order.delivered": ref => `Your order ${ref} was delivered`,
};

function body(doc: OrderDoc, type: NotificationType): string {
	const lines = doc.items.map(i => `  ${i.quantity} × ${i.name}: ${money(i.lineTotal, doc.currency)}`);
	const total = `Total: ${money(doc.total, doc.currency)} (shipping ${money(doc.shippingCost, doc.currency)})`;
	const tracking = doc.shipment ? `Carrier: ${doc.shipment.carrier}, tracking number ${doc.shipment.trackingId}` : "";
	switch (type) {
		case "order.confirmed":
			return [`Thank you for your order.`, "", ...lines, "", total, tracking].join("\n");
		case "order.cancelled":
			return [`Your order was cancelled and ${money(doc.total, doc.currency)} is on its way back to your card.`, "", ...lines].join("\n");
		case "order.shipped":
			return [`Your order has left our warehouse.`, tracking].join("\n");
		case "order.delivered":
			return [`Your order was delivered. Enjoy!`, tracking].join("\n");
	}
}

export function notification(doc: OrderDoc, type: NotificationType): OutboxMessage {
	return { key: `${doc._id}:${type}`, kind: "notify", type, subject: SUBJECTS[type](shortId(doc._id)), text: body(doc, type) };
}

/**
 * The paid-for lines leave the cart, not the whole cart: the shopper may have added something in
 * another tab while paying. Through the outbox, so that a cart outage delays it, never loses it.
 */
export function removeOrdered(doc: OrderDoc): OutboxMessage {
	return { key: `${doc._id}:cart.removeOrdered`, kind: "removeOrdered" };
}
