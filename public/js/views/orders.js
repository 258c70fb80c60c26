// My orders: what the shopper bought, newest first, each with its date, status and total.
import * as api from "../api.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { errorBox, table } from "../components.js";
import { countryName, dateTime, money, plural, shortId, statusText } from "../format.js";
import { signInFirst } from "./guard.js";

export default async function orders(el, ctx) {
	const title = pageTitle("My orders");
	fill(el, title);
	if (signInFirst(el, "/orders", "see your orders")) return;

	el.append(loading("Loading your orders"));
	try {
		// What was bought: a refused checkout (declined card, no stock) is not an order to the shopper;
		// it stays in the books and on the admin's list, with its reason.
		const list = (await api.get("/orders", { signal: ctx.signal })).filter(order => order.status !== "failed");
		fill(el, title, list.length ? orderTable("Your orders, newest first", list) : h("p", { class: "empty" }, "You have no orders yet. ", h("a", { href: "#/" }, "Start shopping"), "."));
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		fill(el, title, errorBox(err, { retry: () => orders(el, ctx) }));
	}
}

/** Shared with the admin page, which lists everyone's orders the same way. */
export function orderTable(caption, list, { showUser = false } = {}) {
	const head = ["Order", "Placed", ...(showUser ? ["Customer"] : []), "Items", "Status", "Total"];
	return table(
		caption,
		head,
		list.map(order => [
			h("a", { href: `#/orders/${encodeURIComponent(order.id)}` }, `#${shortId(order.id)}`),
			dateTime(order.createdAt),
			...(showUser ? [order.shippingAddress?.name ?? order.userId] : []),
			plural(order.items.reduce((n, line) => n + line.quantity, 0), "item"),
			statusBadge(order.status),
			h("span", { class: "price" }, money(order.total, order.currency)),
		]),
	);
}

export function statusBadge(status) {
	return h("span", { class: `badge status-${status}` }, statusText(status));
}

/** An order's subtotal, shipping and total. */
export function orderTotals(order) {
	return h(
		"dl",
		{ class: "totals" },
		h("dt", null, "Subtotal"),
		h("dd", null, money(order.subtotal, order.currency)),
		h("dt", null, "Shipping"),
		h("dd", null, money(order.shippingCost, order.currency)),
		h("dt", null, "Total"),
		h("dd", { class: "price total" }, money(order.total, order.currency)),
	);
}

/** Where an order goes, how it was paid and its parcel (the shopper's "Delivery", the admin's "Shipment"). */
export function orderFacts(order, shipmentHeading) {
	const payment = order.payment ? `Card ending ${order.payment.last4 ?? "—"}: ${statusText(order.payment.status).toLowerCase()}` : "—";
	return h(
		"div",
		{ class: "order-facts" },
		h("section", null, h("h2", null, "Shipping to"), address(order.shippingAddress)),
		h("section", null, h("h2", null, "Payment"), h("p", null, payment)),
		h("section", null, h("h2", null, shipmentHeading), shipment(order.shipment)),
	);
}

function address(a) {
	if (!a) return h("p", null, "—");
	return h("address", null, a.name, h("br"), a.street, h("br"), `${a.postalCode} ${a.city}`, h("br"), countryName(a.country));
}

function shipment(s) {
	if (!s) return h("p", null, "Not booked yet.");
	return h("p", null, `${s.carrier}, ${statusText(s.status).toLowerCase()}`, h("br"), "Tracking: ", h("code", null, s.trackingId));
}
