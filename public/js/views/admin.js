// The admin page (role "admin" only): products and stock, every order, every payment, and the
// cluster's nodes and circuit breakers. The API checks the role too; hiding is just courtesy.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle } from "../dom.js";
import { loadInto, table } from "../components.js";
import { dateTime, money, shortId } from "../format.js";
import { signInFirst } from "./guard.js";
import { orderTable, statusBadge } from "./orders.js";
import { productsTab } from "./admin-products.js";
import { href } from "../router.js";

const TABS = [
	["products", "Products & stock"],
	["orders", "Orders"],
	["payments", "Payments"],
	["cluster", "Cluster"],
];
const CLUSTER_REFRESH_MS = 5000;

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

async function clusterTab(panel, ctx) {
	const stamp = h("p", { class: "hint", "aria-live": "off" });
	const body = h("div");
	panel.append(stamp, body);
	// Watch it live while the tab is open: a killed node shows up within seconds.
	const refresh = async () => {
		await loadInto(body, async () => {
			const view = await api.get("/ops/cluster", { signal: ctx.signal });
			stamp.textContent = `Namespace ${view.namespace}, seen from ${view.nodeID}, updated ${new Date().toLocaleTimeString()}. Refreshes every ${CLUSTER_REFRESH_MS / 1000} s.`;
			return clusterView(view);
		});
		if (!ctx.signal.aborted) timer = setTimeout(refresh, CLUSTER_REFRESH_MS);
	};
	let timer;
	ctx.signal.addEventListener("abort", () => clearTimeout(timer));
	await refresh();
}

function clusterView(view) {
	const nodes = h(
		"ul",
		{ class: "nodes" },
		view.nodes.map(n =>
			h(
				"li",
				{ class: `node${n.available ? "" : " node-down"}` },
				h("p", null, h("strong", null, n.id), n.local ? " (this gateway)" : "", " ", h("span", { class: `badge ${n.available ? "stock-in" : "stock-out"}` }, n.available ? "up" : "down")),
				h("p", { class: "hint" }, n.hostname ?? ""),
				h("p", null, n.services.length ? n.services.join(", ") : "no services"),
			),
		),
	);
	// Trouble first: an open circuit or a missing endpoint is what an admin opens this page for.
	const trouble = e => (e.circuit === "closed" && e.available ? 1 : 0);
	const sorted = [...view.endpoints].sort((a, b) => trouble(a) - trouble(b) || a.action.localeCompare(b.action));
	const open = sorted.filter(e => !trouble(e)).length;
	const endpoints = table(
		"Endpoints and their circuit breakers",
		["Action", "Node", "Circuit", "Available"],
		sorted.map(e => [e.action, e.nodeID, h("span", { class: `badge ${e.circuit === "closed" ? "stock-in" : "stock-out"}` }, e.circuit), e.available ? "yes" : "no"]),
	);
	const health = open ? `${open} of ${view.endpoints.length} endpoints have an open circuit or are unavailable.` : `All ${view.endpoints.length} endpoints are closed and available.`;
	return h("div", null, h("h2", null, "Nodes"), nodes, h("h2", null, "Endpoints"), h("p", { class: open ? "alert alert-warn" : "hint" }, health), endpoints);
}
