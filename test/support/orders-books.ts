// The books of the shop, checked from outside: what payments kept must be what confirmed orders
// cost, and every unit that was in stock must be available, held or sold. Used by the tests after
// every scenario; an operator can run the same check against GET /api/orders?all=true,
// GET /api/payments and GET /api/inventory/:id.
import type { StockLevel } from "../../services/inventory/inventory.contract";
import type { Order, OrderStatus } from "../../services/orders/orders.contract";
import type { Charge } from "../../services/payments/payments.contract";

/** Orders the shopper keeps: paid for, stock sold. */
export const KEPT: readonly OrderStatus[] = ["confirmed", "shipped", "delivered"];

export interface BooksInput {
	orders: Order[];
	charges: Charge[];
	/** Units on hand before any order, by product id. */
	startingStock: Record<string, number>;
	stock: StockLevel[];
}

export interface Books {
	/** Charged less refunded, in cents. */
	kept: number;
	/** Totals of kept orders, in cents. */
	owed: number;
	problems: string[];
}

export function audit({ orders, charges, startingStock, stock }: BooksInput): Books {
	const problems: string[] = [];
	const kept = charges.filter(c => c.status === "charged");
	const keptOrders = orders.filter(o => KEPT.includes(o.status));
	const orderById = new Map(orders.map(o => [o.id, o]));

	for (const c of kept) {
		const order = orderById.get(c.orderId);
		if (!order || !KEPT.includes(order.status)) problems.push(`charge for order ${c.orderId} kept, but the order is ${order?.status ?? "unknown"}`);
		else if (order.total !== c.amount) problems.push(`order ${c.orderId} costs ${order.total}, charged ${c.amount}`);
	}
	for (const o of keptOrders) {
		const n = kept.filter(c => c.orderId === o.id).length;
		if (n !== 1) problems.push(`${o.status} order ${o.id} has ${n} kept charges`);
	}

	const sold = new Map<string, number>();
	for (const o of keptOrders) for (const i of o.items) sold.set(i.productId, (sold.get(i.productId) ?? 0) + i.quantity);
	for (const level of stock) {
		const start = startingStock[level.productId];
		if (start === undefined) continue;
		const sum = level.available + level.reserved + (sold.get(level.productId) ?? 0);
		if (level.available < 0 || level.reserved < 0) problems.push(`${level.productId}: negative stock ${JSON.stringify(level)}`);
		if (sum !== start) problems.push(`${level.productId}: started with ${start}, now ${level.available} available + ${level.reserved} reserved + ${sold.get(level.productId) ?? 0} sold`);
	}

	return {
		kept: kept.reduce((sum, c) => sum + c.amount, 0),
		owed: keptOrders.reduce((sum, o) => sum + o.total, 0),
		problems,
	};
}

/**
 * The same check over the REST API, as an admin: every order, every charge attempt, and the
 * stock of the products in `startingStock`. `api` is the gateway's base URL ending in /api.
 */
export async function fetchBooks(api: string, adminToken: string, startingStock: Record<string, number>): Promise<Books & { pending: number }> {
	const get = async <T>(path: string): Promise<T> => {
		const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
		if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
		return (await res.json()) as T;
	};
	/**
	 * Every row of an admin list. A paged list says its whole count in X-Total-Count: the rest is
	 * fetched page by page, at the size of the first (a list that is not paged has no header).
	 */
	const all = async <T>(path: string): Promise<T[]> => {
		const page = async (query: string) => {
			const res = await fetch(`${api}${path}${query}`, { headers: { authorization: `Bearer ${adminToken}` } });
			if (!res.ok) throw new Error(`GET ${path}${query} answered ${res.status}`);
			return { rows: (await res.json()) as T[], total: Number(res.headers.get("x-total-count") ?? 0) };
		};
		const first = await page("");
		const rows = [...first.rows];
		const join = path.includes("?") ? "&" : "?";
		for (let n = 2; rows.length < first.total && first.rows.length > 0; n++) {
			const next = await page(`${join}page=${n}&pageSize=${first.rows.length}`);
			if (!next.rows.length) break;
			rows.push(...next.rows);
		}
		return rows;
	};
	const [orders, charges, stock] = await Promise.all([
		all<Order>("/orders?all=true"),
		all<Charge>("/payments"),
		Promise.all(Object.keys(startingStock).map(id => get<StockLevel>(`/inventory/${encodeURIComponent(id)}`))),
	]);
	return { ...audit({ orders, charges, startingStock, stock }), pending: orders.filter(o => o.status === "pending").length };
}
