// My orders: what the shopper bought, newest first, each with its date, status and total.
import * as api from "../api.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { errorBox, table } from "../components.js";
import { dateTime, money, plural, shortId, statusText } from "../format.js";
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
