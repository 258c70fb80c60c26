// One order: what was bought, where it goes, how it was paid, where the parcel is; and cancel.
// Also the confirmation page after checkout (?placed=1).
import * as api from "../api.js";
import { h, fill, pageTitle, loading, toast } from "../dom.js";
import { errorBox, table } from "../components.js";
import { dateTime, money, shortId, statusText } from "../format.js";
import { signInFirst } from "./guard.js";
import { orderFacts, orderTotals, statusBadge } from "./orders.js";

// Until it ships, an order can still be called back (the contract answers 409 after that).
const CANCELLABLE = new Set(["pending", "confirmed"]);

export default async function orderView(el, ctx) {
	const title = pageTitle("Order");
	fill(el, title);
	if (signInFirst(el, `/orders/${ctx.params.id}`, "see this order")) return;

	el.append(loading("Loading the order"));
	try {
		const order = await api.get(`/orders/${api.seg(ctx.params.id)}`, { signal: ctx.signal });
		show(el, title, order, ctx.query.placed === "1");
		// Live from here on: each change of the order (shipped, delivered…) redraws the page.
		let shownAt = order.updatedAt;
		void api.follow(`/orders/${api.seg(order.id)}/events`, (name, next) => {
			if (name !== "status" || next.updatedAt === shownAt) return;
			shownAt = next.updatedAt;
			show(el, title, next, false);
		}, ctx.signal);
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		if (err.status === 404) {
			title.textContent = "Order not found";
			fill(el, title, h("p", null, "There is no such order in your account. ", h("a", { href: "#/orders" }, "See your orders"), "."));
		} else fill(el, title, errorBox(err, { retry: () => orderView(el, ctx) }));
	}
}

function show(el, title, order, justPlaced) {
	title.textContent = `Order #${shortId(order.id)}`;
	document.title = `${title.textContent} · Moleculer Shop`;
	const cancelArea = h("div", { class: "cancel-area" });
	fill(
		el,
		justPlaced ? thanks(order) : null,
		title,
		h("p", { class: "order-meta" }, statusBadge(order.status), ` Placed ${dateTime(order.createdAt)}`),
		table(
			"Items in this order",
			["Item", "Unit price", "Quantity", "Total"],
			order.items.map(line => [
				h("a", { href: `#/product/${encodeURIComponent(line.productId)}` }, line.name),
				money(line.unitPrice, order.currency),
				String(line.quantity),
				h("span", { class: "price" }, money(line.lineTotal, order.currency)),
			]),
		),
		orderTotals(order),
		orderFacts(order, "Delivery"),
		cancelArea,
	);
	if (CANCELLABLE.has(order.status)) cancelArea.append(cancelButton(el, title, order, cancelArea));
}

function thanks(order) {
	const confirmed = order.status === "confirmed";
	return h(
		"div",
		{ class: `alert ${confirmed ? "alert-success" : "alert-info"}`, role: "status" },
		h("p", { class: "big" }, confirmed ? "Thank you! Your order is confirmed." : `Thank you! Your order is ${statusText(order.status).toLowerCase()}.`),
		h("p", null, "A confirmation is on its way to you; you can also find it under ", h("a", { href: "#/notifications" }, "Messages"), "."),
	);
}

function cancelButton(el, title, order, area) {
	const button = h("button", { type: "button", class: "btn btn-danger" }, "Cancel this order");
	button.addEventListener("click", async () => {
		if (!confirm("Cancel this order? Your payment will be refunded.")) return;
		button.disabled = true;
		try {
			const cancelled = await api.post(`/orders/${api.seg(order.id)}/cancel`);
			show(el, title, cancelled, false);
			toast("Your order is cancelled and your payment refunded.", { tone: "success" });
			title.focus();
		} catch (err) {
			button.disabled = false;
			fill(area, errorBox(err), err.status === 409 ? null : button);
		}
	});
	return button;
}
