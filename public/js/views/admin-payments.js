// The admin's Payments tab: every charge attempt, a page at a time, narrowed by status and order.
// The filters live in the hash (#/admin/payments?status=refunded&orderId=…&page=2).
import * as api from "../api.js";
import { h, fill, loading } from "../dom.js";
import { table } from "../components.js";
import { dateTime, money, shortId, statusText } from "../format.js";
import { href } from "../router.js";
import { statusBadge } from "./orders.js";
import { filterActions, listParts, listTab, pageSizeField, pageSizeParam, pagingOf, searchField, showListPage, statusField } from "./admin-list.js";

const CHARGE_STATUSES = ["charged", "declined", "refunded"];
const ORDER_ID = /^[\w-]{1,64}$/;
// Ids the shop makes (UUIDs): anything shorter is the start of one, as the lists show it.
const WHOLE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filtersOf(query) {
	return {
		...pagingOf(query),
		status: CHARGE_STATUSES.includes(query.status) ? query.status : undefined,
		orderId: (query.orderId ?? "").trim().replace(/^#/, "").slice(0, 64) || undefined,
	};
}

const hrefFor = (filters, page) => href("/admin/payments", { status: filters.status, orderId: filters.orderId, pageSize: pageSizeParam(filters.pageSize), page: page > 1 ? page : undefined });

/**
 * The whole id of the order the admin means: payments are filed under whole ids, people type the
 * short one ("1A2B3C4D"). The orders list finds it by its start; null when no order, or more than one, starts so.
 */
async function wholeOrderId(typed, signal) {
	if (WHOLE_ID.test(typed)) return { id: typed.toLowerCase() };
	const { rows, total } = await api.getPage("/orders", { query: { all: true, orderId: typed, pageSize: 2 }, signal });
	if (total === 1) return { id: rows[0].id };
	return { problem: total === 0 ? `No order's id starts with “${typed}”.` : `Several orders' ids start with “${typed}”: type more of it.` };
}

export function paymentsTab(panel, ctx) {
	const { form, count, results } = listParts(panel, "Find payments", values =>
		hrefFor({ status: values.get("status") || undefined, orderId: String(values.get("orderId") ?? "").trim() || undefined, pageSize: Number(values.get("pageSize")) }, 1),
	);

	async function show(next) {
		const filters = filtersOf(next.query);
		fill(
			form,
			statusField("ap-status", CHARGE_STATUSES, filters.status, statusText),
			searchField({ id: "ap-order", name: "orderId", label: "Order id", value: filters.orderId, max: 64 }),
			pageSizeField("ap-size", filters.pageSize),
			filterActions("Filter", filters.status || filters.orderId, hrefFor({ pageSize: filters.pageSize }, 1)),
		);
		count.textContent = "";
		if (filters.orderId && !ORDER_ID.test(filters.orderId)) {
			fill(results, h("div", { class: "alert alert-error", role: "alert" }, h("p", null, "An order id has only letters, digits and dashes.")));
			return;
		}
		fill(results, loading("Loading payments"));
		await showListPage({
			results,
			count,
			signal: next.signal,
			filters,
			noun: "charge attempt",
			async load() {
				const order = filters.orderId ? await wholeOrderId(filters.orderId, next.signal) : {};
				if (order.problem) return { message: order.problem };
				return api.getPage("/payments", { query: { page: filters.page, pageSize: filters.pageSize, status: filters.status, orderId: order.id }, signal: next.signal });
			},
			render: chargeTable,
			hrefFor,
			retry: () => show(next),
		});
	}

	return listTab(panel, count, show, ctx);
}

/** Charge attempts as a table; also the admin order page's "Payment attempts". */
export function chargeTable(charges, caption = "Charge attempts, newest first") {
	return table(
		caption,
		["When", "Order", "Amount", "Card", "Status"],
		charges.map(c => [
			dateTime(c.createdAt),
			h("a", { href: `#/admin/orders/${encodeURIComponent(c.orderId)}` }, `#${shortId(c.orderId)}`),
			h("span", { class: "price" }, money(c.amount, c.currency)),
			c.last4 ? `•••• ${c.last4}` : "—",
			statusBadge(c.status),
		]),
	);
}
