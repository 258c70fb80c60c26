// The catalog and recommendations: what a shopper browses.

/** Money is always an integer number of minor units (cents) with its ISO 4217 currency. */
export interface Product {
	id: string;
	sku: string;
	name: string;
	description: string;
	category: string;
	price: number;
	currency: string;
	/** A path on the shop itself (`/images/products/<id>.svg`), or an https URL an admin gave. */
	imageUrl: string;
	/**
	 * Quantity that can be bought now (stock on hand less reservations), read from inventory in
	 * one batched call per answer; 0 for a product inventory does not know. `null` means
	 * "unknown right now": inventory is down or too slow, and the catalog answers without it
	 * rather than failing. Treat null as "cannot promise stock", not as "out of stock".
	 */
	available: number | null;
	/** Set by the products service on every product it returns (optional only for test doubles). */
	createdAt?: string;
	updatedAt?: string;
}

/** `sort` of GET /api/products; the default is `name`. Ties break on id, so paging is stable. */
export type ProductSort = "price" | "-price" | "name" | "-name" | "createdAt" | "-createdAt";

export interface ProductQuery {
	q?: string;
	category?: string;
	minPrice?: number;
	maxPrice?: number;
	sort?: ProductSort;
	page?: number;
	pageSize?: number;
	currency?: string;
}

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export interface ProductInput {
	sku: string;
	name: string;
	description: string;
	category: string;
	price: number;
	imageUrl?: string;
}

export interface CategoryCount {
	name: string;
	count: number;
}

export interface CatalogActions {
	"products.list": { params: ProductQuery; result: Page<Product> };
	"products.get": { params: { id: string; currency?: string }; result: Product };
	/**
	 * One batched read for carts and orders: the products that exist among `ids`, in any order,
	 * in the base currency, with `available` (one inventory call for all of them).
	 */
	"products.getMany": { params: { ids: string[] }; result: Product[] };
	"products.create": { params: ProductInput; result: Product };
	"products.update": { params: Partial<ProductInput> & { id: string }; result: Product };
	"products.remove": { params: { id: string }; result: { id: string } };
	"products.categories": { params: Record<string, never>; result: CategoryCount[] };

	/** Up to 4 other products of the same category, in stock first, then nearest in price. */
	"recommendations.forProduct": { params: { id: string; currency?: string }; result: Product[] };
}

/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export interface ProductsEvents {
	/** Products were created, changed or removed. */
	"products.changed": { ids: string[] };
}
