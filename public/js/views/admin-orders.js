// The admin's Orders tab: every order, a page at a time, narrowed by status and found by order id
// (whole or its first characters, "#1A2B3C4D" as the lists show it) or by the buyer's e-mail.
// The filters live in the hash (#/admin/orders?page=2&status=failed&q=…), so a view can be
// bookmarked and the back button walks the pages. Each order opens on its admin page.
import * as api from "../api.js";
import { h, fill, loading } from "../dom.js";
import { table } from "../components.js";
import { dateTime, money, plural, shortId, statusText } from "../format.js";
import { href } from "../router.js";
import { statusBadge } from "./orders.js";
import { filterActions, listParts, listTab, pageSizeField, pageSizeParam, pagingOf, searchField, showListPage, statusField } from "./admin-list.js";

export const ORDER_STATUSES = ["pending", "confirmed", "cancelled", "failed", "shipped", "delivered"];

const ORDER_ID = /^[\w-]{1,64}$/;
const EMAIL_MAX = 254;

/** The last list the admin looked at (this tab, a reload too), so an order's page can lead back to it. */
const LAST_LIST_KEY = "shop.admin.ordersList";
export function ordersListHref() {
	const last = sessionStorage.getItem(LAST_LIST_KEY) ?? "";
	return last.startsWith("#/admin/orders") ? last : "#/admin/orders";
}

/** The hash's query, cleaned: an unknown status is dropped, the search kept as typed (bounded). */
function filtersOf(query) {
	return {
		...pagingOf(query),
		status: ORDER_STATUSES.includes(query.status) ? query.status : undefined,
		q: (query.q ?? "").trim().slice(0, EMAIL_MAX) || undefined,
	};
}

/** The search box speaks people ("#1A2B3C4D", "Ann@Example.com"); the API, orderId or email. */
function searchOf(q) {
	if (!q) return {};
	if (q.includes("@")) return { email: q };
	const id = q.replace(/^#/, "");
	return ORDER_ID.test(id) ? { orderId: id } : { invalid: true };
}

const hrefFor = (filters, page) => href("/admin/orders", { status: filters.status, q: filters.q, pageSize: pageSizeParam(filters.pageSize), page: page > 1 ? page : undefined });

export function ordersTab(panel, ctx) {
	// A new search starts at page 1: page 3 of the old results means nothing for the new ones.
	const { form, count, results } = listParts(panel, "Find orders", values =>
		hrefFor({ status: values.get("status") || undefined, q: String(values.get("q") ?? "").trim() || undefined, pageSize: Number(values.get("pageSize")) }, 1),
	);

	async function show(next) {
		const filters = filtersOf(next.query);
		sessionStorage.setItem(LAST_LIST_KEY, hrefFor(filters, filters.page));
		fill(
			form,
			statusField("ao-status", ORDER_STATUSES, filters.status, statusText),
			searchField({ id: "ao-q", name: "q", label: "Order id or customer e-mail", value: filters.q, max: EMAIL_MAX }),
			pageSizeField("ao-size", filters.pageSize),
			filterActions("Find orders", filters.status || filters.q, hrefFor({ pageSize: filters.pageSize }, 1)),
		);
		const search = searchOf(filters.q);
		if (search.invalid) {
			count.textContent = "";
			fill(results, h("div", { class: "alert alert-error", role: "alert" }, h("p", null, "Search for an order id (letters, digits and dashes) or a customer's e-mail address.")));
			return;
		}
		count.textContent = "";
		fill(results, loading("Loading orders"));
		await showListPage({
			results,
			count,
			signal: next.signal,
			filters,
			noun: "order",
			load: () =>
				api.getPage("/orders", {
					query: { all: true, page: filters.page, pageSize: filters.pageSize, status: filters.status, orderId: search.orderId, email: search.email },
					signal: next.signal,
				}),
			render: adminOrderTable,
			hrefFor,
			retry: () => show(next),
		});
	}

	return listTab(panel, count, show, ctx);
}

function adminOrderTable(list) {
	return table(
		"Orders, newest first",
		["Order", "Placed", "Customer", "Items", "Status", "Total"],
		list.map(order => [
			h("a", { href: `#/admin/orders/${encodeURIComponent(order.id)}` }, `#${shortId(order.id)}`),
			dateTime(order.createdAt),
			h("span", { class: "customer" }, order.shippingAddress?.name ?? order.userId, order.email ? h("span", { class: "customer-email" }, order.email) : null),
			plural(order.items.reduce((n, line) => n + line.quantity, 0), "item"),
			h("span", { class: "order-status" }, statusBadge(order.status), order.failure ? h("span", { class: "failure-reason" }, failureText(order.failure)) : null),
			h("span", { class: "price" }, money(order.total, order.currency)),
		]),
	);
}

/** Why a checkout was refused, in words: "Card declined: insufficient funds", "Not enough stock". */
export function failureText(failure) {
	const text = String(failure?.message ?? failure?.type ?? "Unknown reason").replace(/_/g, " ");
	// "Card declined: card declined" says it once.
	const [what, why] = text.split(": ");
	return why !== undefined && why.toLowerCase() === what.toLowerCase() ? what : text;
}
