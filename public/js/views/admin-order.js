// One order as the admin looks after it (#/admin/orders/<id>): what was bought and for whom,
// where it goes, every payment attempt, the shipment, the messages its buyer was sent, and
// "Cancel and refund" while it has not shipped. Each part loads on its own: payments being down
// does not hide the order.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { errorBox, loadInto, table } from "../components.js";
import { dateTime, money, notificationText, shortId } from "../format.js";
import { signInFirst } from "./guard.js";
import { orderFacts, orderTotals, statusBadge } from "./orders.js";
import { failureText, ordersListHref } from "./admin-orders.js";
import { chargeTable } from "./admin-payments.js";

// The contract's cancel takes a confirmed order back (a pending one is still being decided).
const CANCELLABLE = new Set(["confirmed"]);

export default async function adminOrder(el, ctx) {
	const id = ctx.params.id;
	const title = pageTitle(`Order #${shortId(id)}`);
	const back = h("p", { class: "back-link" }, h("a", { href: ordersListHref() }, "← All orders"));
	fill(el, back, title);
	if (signInFirst(el, `/admin/orders/${id}`, "look after orders")) return;
	if (!store.isAdmin()) {
		el.append(h("p", null, "This page is for the shop's admins."));
		return;
	}

	const body = h("div", { class: "admin-order" }, loading("Loading the order"));
	el.append(body);
	await draw(body, id, ctx.signal);
}

async function draw(body, id, signal, news = null) {
	let order;
	try {
		order = await api.get(`/orders/${api.seg(id)}`, { signal });
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		fill(body, err.status === 404 ? h("p", null, "There is no order with this id.") : errorBox(err, { retry: () => draw(body, id, signal) }));
		return;
	}
	const payments = h("div", null, loading("Loading payment attempts"));
	const messages = h("div", null, loading("Loading messages"));
	const actions = h("div", { class: "cancel-area" });
	fill(
		body,
		news,
		h(
			"p",
			{ class: "order-meta" },
			statusBadge(order.status),
			order.failure ? h("span", { class: "failure-reason" }, failureText(order.failure)) : null,
			` Placed ${dateTime(order.createdAt)} · updated ${dateTime(order.updatedAt)}`,
		),
		h(
			"dl",
			{ class: "admin-facts" },
			h("dt", null, "Order id"),
			h("dd", null, h("code", null, order.id)),
			h("dt", null, "Customer"),
			h("dd", null, order.email ? `${order.email} (user ${order.userId})` : order.userId),
		),
		h("h2", null, "Items"),
		table(
			"Items in this order",
			["Item", "Unit price", "Quantity", "Total"],
			order.items.map(line => [line.name, money(line.unitPrice, order.currency), String(line.quantity), h("span", { class: "price" }, money(line.lineTotal, order.currency))]),
		),
		orderTotals(order),
		orderFacts(order, "Shipment"),
		h("section", { "aria-labelledby": "ao-payments" }, h("h2", { id: "ao-payments" }, "Payment attempts"), payments),
		h("section", { "aria-labelledby": "ao-messages" }, h("h2", { id: "ao-messages" }, "Messages to the customer"), messages),
		actions,
	);
	if (CANCELLABLE.has(order.status)) actions.append(cancelButton(body, order, actions, signal));
	else if (order.status === "shipped" || order.status === "delivered") actions.append(h("p", { class: "hint" }, "A shipped order can no longer be cancelled."));

	await Promise.all([
		loadInto(payments, async () => {
			const charges = await api.get("/payments", { query: { orderId: order.id }, signal });
			return charges.length ? chargeTable(charges, "Payment attempts for this order") : h("p", { class: "empty" }, "No payment was attempted.");
		}),
		loadInto(messages, async () => {
			const list = await api.get("/notifications", { query: { orderId: order.id }, signal });
			return list.length ? messageTable(list) : h("p", { class: "empty" }, "No messages yet.");
		}),
	]);
}

function messageTable(list) {
	return table(
		"Messages about this order, newest first",
		["Written", "Message", "Subject", "Sent"],
		list.map(n => [dateTime(n.createdAt), notificationText(n.type), n.subject || "—", n.sentAt ? dateTime(n.sentAt) : h("span", { class: "badge stock-unknown" }, "Not sent yet")]),
	);
}

function cancelButton(body, order, area, signal) {
	const button = h("button", { type: "button", class: "btn btn-danger" }, "Cancel and refund");
	button.addEventListener("click", async () => {
		if (!confirm(`Cancel order #${shortId(order.id)} and refund ${money(order.total, order.currency)} to the customer?`)) return;
		button.disabled = true;
		try {
			await api.post(`/orders/${api.seg(order.id)}/cancel`);
			const news = h("div", { class: "alert alert-success", role: "status" }, h("p", null, "The order is cancelled and the payment refunded; the customer is told."));
			await draw(body, order.id, signal, news);
			document.querySelector("h1")?.focus();
		} catch (err) {
			if (err?.name === "AbortError") return;
			button.disabled = false;
			// 409: shipped meanwhile; the API says so in words. Nothing to try again then.
			const message = err.status === 409 ? h("div", { class: "alert alert-error", role: "alert" }, h("p", null, err.message || "This order can no longer be cancelled.")) : errorBox(err);
			fill(area, message, err.status === 409 ? null : button);
		}
	});
	return button;
}
