// The admin page (role "admin" only): products and stock, every order, every payment, and the
// cluster's nodes and circuit breakers (admin-cluster.js). The API checks the role too; hiding is just courtesy.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle } from "../dom.js";
import { loadInto, table } from "../components.js";
import { dateTime, money, shortId } from "../format.js";
import { signInFirst } from "./guard.js";
import { orderTable, statusBadge } from "./orders.js";
import { productsTab } from "./admin-products.js";
import { clusterTab } from "./admin-cluster.js";
import { href } from "../router.js";

const TABS = [
	["products", "Products & stock"],
	["orders", "Orders"],
	["payments", "Payments"],
	["cluster", "Cluster"],
];

export default async function admin(el, ctx) {
	const title = pageTitle("Admin");
	fill(el, title);
	if (signInFirst(el, "/admin", "manage the shop")) return;
	if (!store.isAdmin()) {
		el.append(h("p", null, "This page is for the shop's admins."));
		return;
	}

	const tab = ctx.params.tab ?? "products";
	const panel = h("div", { class: "admin-panel" });
	el.append(
		h(
			"nav",
			{ class: "tabs", "aria-label": "Admin sections" },
			TABS.map(([id, text]) => h("a", { href: `#/admin/${id}`, "aria-current": id === tab ? "page" : null }, text)),
		),
		panel,
	);
	const show = { products: productsTab, orders: ordersTab, payments: paymentsTab, cluster: clusterTab }[tab];
	await show(panel, ctx);
}

async function ordersTab(panel, ctx) {
	await loadInto(panel, async () => {
		const list = await api.get("/orders", { query: { all: true }, signal: ctx.signal });
		return list.length ? orderTable("Every order, newest first", list, { showUser: true }) : h("p", null, "No orders yet.");
	});
}

async function paymentsTab(panel, ctx) {
	const orderId = ctx.query.orderId ?? "";
	const filter = h(
		"form",
		{ class: "toolbar", role: "search", "aria-label": "Find payments by order", onSubmit: event => (event.preventDefault(), (location.hash = href("/admin/payments", { orderId: event.target.elements.orderId.value.trim() }))) },
		h("label", { for: "pay-order" }, "Order id"),
		h("input", { id: "pay-order", name: "orderId", value: orderId, maxlength: "64" }),
		h("button", { type: "submit", class: "btn" }, "Filter"),
	);
	const results = h("div");
	panel.append(filter, results);
	await loadInto(results, async () => {
		const charges = await api.get("/payments", { query: { orderId }, signal: ctx.signal });
		if (!charges.length) return h("p", null, "No payments.");
		return table(
			"Charge attempts",
			["When", "Order", "Amount", "Status"],
			charges.map(c => [
				dateTime(c.createdAt),
				h("a", { href: `#/orders/${encodeURIComponent(c.orderId)}` }, `#${shortId(c.orderId)}`),
				h("span", { class: "price" }, money(c.amount, c.currency)),
				statusBadge(c.status),
			]),
		);
	});
}
