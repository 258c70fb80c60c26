// What the shopper reads: subjects and bodies rendered here from the facts orders sends (the
// order's lines, totals in minor units, its currency and shipment). Orders never writes prose,
// and notifications never asks another service how to write an amount.

import type { NotificationType, OrderFacts } from "./notifications.contract";

/**
 * ISO 4217 minor units of the currencies that do not have two. A small table of our own: how an
 * amount is written is this service's business, and these numbers do not change.
 */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

/** Minor units as the currency writes them: 1999 USD is "19.99 USD", 1999 JPY is "1999 JPY". */
export function money(minor: number, currency: string): string {
	const exponent = EXPONENTS[currency] ?? 2;
	const sign = minor < 0 ? "-" : "";
	const abs = Math.abs(minor);
	if (exponent === 0) return `${sign}${abs} ${currency}`;
	const unit = 10 ** exponent;
	return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exponent, "0")} ${currency}`;
}

/** The short reference a shopper can quote: the order id's first 8 characters. */
function shortId(id: string): string {
	return id.slice(0, 8).toUpperCase();
}

const SUBJECTS: Record<NotificationType, (ref: string) => string> = {
	"order.confirmed": ref => `Your order ${ref} is confirmed`,
	"order.cancelled": ref => `Your order ${ref} is cancelled`,
	"order.shipped": ref => `Your order ${ref} is on its way`,
	"order.delivered": ref => `Your order ${ref} was delivered`,
};

function body(type: NotificationType, order: OrderFacts): string {
	const lines = order.items.map(i => `  ${i.quantity} × ${i.name}: ${money(i.lineTotal, order.currency)}`);
	const total = `Total: ${money(order.total, order.currency)} (shipping ${money(order.shippingCost, order.currency)})`;
	const tracking = order.shipment ? `Carrier: ${order.shipment.carrier}, tracking number ${order.shipment.trackingId}` : "";
	switch (type) {
		case "order.confirmed":
			return [`Thank you for your order.`, "", ...lines, "", total, tracking].join("\n");
		case "order.cancelled":
			return [`Your order was cancelled and ${money(order.total, order.currency)} is on its way back to your card.`, "", ...lines].join("\n");
		case "order.shipped":
			return [`Your order has left our warehouse.`, tracking].join("\n");
		case "order.delivered":
			return [`Your order was delivered. Enjoy!`, tracking].join("\n");
	}
}

export function render(type: NotificationType, orderId: string, order: OrderFacts): { subject: string; text: string } {
	return { subject: SUBJECTS[type](shortId(orderId)), text: body(type, order) };
}
