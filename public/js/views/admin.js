// The admin page (role "admin" only): products and stock, every order (admin-orders.js, each on
// its own page in admin-order.js), every payment (admin-payments.js), and the cluster's nodes and
// circuit breakers (admin-cluster.js). The API checks the role too; hiding is just courtesy.
import * as store from "../store.js";
import { h, fill, pageTitle } from "../dom.js";
import { signInFirst } from "./guard.js";
import { productsTab } from "./admin-products.js";
import { clusterTab } from "./admin-cluster.js";
import { ordersTab } from "./admin-orders.js";
import { paymentsTab } from "./admin-payments.js";

const TABS = [
	["products", "Products & stock"],
	["orders", "Orders"],
	["payments", "Payments"],
	["cluster", "Operations"],
];

export default async function admin(el, ctx) {
	let tab = await draw(el, ctx);
	return {
		// Same tab, new query (a filter, the next page): a tab that can update in place does, so the
		// keyboard stays where the admin is working; the others are drawn again as a new page.
		async update(next) {
			if (tab?.update) return tab.update(next);
			tab = await draw(el, next);
			scrollTo(0, 0);
			el.querySelector("h1")?.focus();
		},
	};
}

async function draw(el, ctx) {
	const title = pageTitle("Admin");
	fill(el, title);
	if (signInFirst(el, "/admin", "manage the shop")) return null;
	if (!store.isAdmin()) {
		el.append(h("p", null, "This page is for the shop's admins."));
		return null;
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
	const shown = await show(panel, ctx);
	await shown?.ready;
	return shown ?? null;
}
