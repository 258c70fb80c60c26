// What the cart reads from other services to show itself: one batched call each to products,
// inventory and (for ?currency=) currency, whatever the number of lines. Each gets one try
// within the cart's call timeout: a retry would outlast the gateway's own timeout, and the
// shopper would get a bare 503 instead of the cart, or of a 503 that names the service down.
import { call } from "../../lib/call";
import { convertOrKeep } from "../../lib/currency-client";
import type { Product } from "../products/products.contract";
import type { ShopContext } from "../../lib/meta";
import type { PricedProduct } from "./pricing";

export interface CatalogSnapshot {
	/** The ids this snapshot was read for. */
	asked: ReadonlySet<string>;
	/** Those of them that exist, by id. */
	products: ReadonlyMap<string, Product>;
	/** Available quantity by id (absent: none); null when inventory could not be asked. */
	available: ReadonlyMap<string, number> | null;
}

/**
 * Products and their availability, read together. Without products the cart cannot be priced
 * honestly: 503. Without inventory it can: `available` is null, and whoever wants to add
 * stock refuses (see the cart service).
 */
export async function readCatalog(ctx: ShopContext, ids: string[], timeout: number): Promise<CatalogSnapshot> {
	if (ids.length === 0) return { asked: new Set(), products: new Map(), available: new Map() };
	const [products, available] = await Promise.all([
		call(ctx, "products.getMany", { ids }, { timeout, retries: 0, ifDown: "fail" }),
		readAvailability(ctx, ids, timeout),
	]);
	return { asked: new Set(ids), products: new Map(products.map(p => [p.id, p])), available };
}

/** Available quantity by id (absent: none), or null when inventory cannot be asked. */
export async function readAvailability(ctx: ShopContext, ids: string[], timeout: number): Promise<Map<string, number> | null> {
	if (ids.length === 0) return new Map();
	const available = await call(ctx, "inventory.availability", { productIds: ids }, { timeout, retries: 0, ifDown: { fallback: null } });
	return available && new Map(Object.entries(available));
}

/** Names and unit prices of products, in one currency. */
export interface Prices {
	currency: string;
	products: Map<string, PricedProduct>;
}

/**
 * Unit prices in `wanted`, converted in one call, or in the base currency when none is asked for
 * or the currency service is down. A code the currency service does not know is a 422 on `currency`.
 */
export async function pricesIn(ctx: ShopContext, products: ReadonlyMap<string, Product>, base: string, wanted: string | undefined, timeout: number): Promise<Prices> {
	const list = [...products.values()];
	const priced = (prices: number[]) => new Map(list.map((p, i) => [p.id, { name: p.name, price: prices[i] }]));
	const converted = await convertOrKeep(ctx, base, wanted, list.map(p => p.price), timeout);
	return { currency: converted.currency, products: priced(converted.amounts) };
}
