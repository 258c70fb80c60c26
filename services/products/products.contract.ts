// What other services may know of the catalog: its actions' params and results, and its event.
import { action, as, contract, event, type ActionsOf, type EventsOf } from "../../lib/contract";
import { currencyParam } from "../currency/currency.contract";
import { categoryParam, listParams, MAX_PRICE, wholeNumber } from "./query";
import { PICTURE_ID } from "./images";

/** Money is always an integer number of minor units (cents) with its ISO 4217 currency. */
export interface Product {
	id: string;
	sku: string;
	name: string;
	description: string;
	category: string;
	price: number;
	currency: string;
	/**
	 * A path on the shop itself (`/images/products/<id>.svg`: a seeded product's file, or the tile
	 * drawn for a product created without a picture), or an https URL an admin gave.
	 */
	imageUrl: string;
	/**
	 * Quantity that can be bought now (stock on hand less reservations), read from inventory in
	 * one batched call per answer; 0 for a product inventory does not know. `null` means
	 * "unknown right now": inventory is down or too slow, and the catalog answers without it
	 * rather than failing. Treat null as "cannot promise stock", not as "out of stock".
	 */
	available: number | null;
	/**
	 * Its place among the shop's picks, which `sort=featured` shows first (1 first); 0: not a pick.
	 * Set by the products service on every product it returns (optional only for test doubles).
	 */
	featured?: number;
	/** Set by the products service on every product it returns (optional only for test doubles). */
	createdAt?: string;
	updatedAt?: string;
}

/**
 * `sort` of GET /api/products; the default is `name`. Ties break on id, so paging is stable.
 * `featured` (beyond the contract's list): the shop's picks in their order, then the rest by name.
 */
export type ProductSort = "price" | "-price" | "name" | "-name" | "createdAt" | "-createdAt" | "featured";

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

/** One suggestion of GET /api/products/suggest: enough to name the product and open its page. */
export interface Suggestion {
	id: string;
	name: string;
	category: string;
}

export interface CategoryCount {
	name: string;
	count: number;
}

const ID = { type: "string", min: 1, max: 64 } as const;
const SKU = { type: "string", pattern: /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/, max: 40, trim: true, uppercase: true } as const;
const NAME = { type: "string", min: 1, max: 120, trim: true } as const;
const DESCRIPTION = { type: "string", max: 2_000, trim: true } as const;
const PRICE = { type: "number", integer: true, min: 0, max: MAX_PRICE } as const;
/** Prices are stored in the base currency; a product sent back as read names it (checked against the base by the service). */
const STORED_CURRENCY = { type: "string", optional: true, max: 3, pattern: /^[A-Za-z]{3}$/, uppercase: true } as const;
/** A picture served by the shop (`/images/…`), or one on an https site the admin trusts. */
/** A place among the picks (1 first, at most 999); 0 takes the product off them. */
const FEATURED = { type: "number", integer: true, min: 0, max: 999, optional: true } as const;
/** How many suggestions one answer holds at most. */
export const MAX_SUGGESTIONS = 10;
const IMAGE_URL = { type: "string", max: 500, pattern: /^(\/images\/[A-Za-z0-9_\-/]+\.(svg|png|jpe?g|webp)|https:\/\/[^\s"'<>]+)$/ } as const;

export const ProductsContract = contract(
	"products",
	{
		/** GET /api/products: search, filters, sort and pages. */
		list: action({ params: listParams, result: as<Page<Product>>() }),
		/** GET /api/products/:id */
		get: action({ params: { $$strict: true, id: ID, currency: currencyParam }, result: as<Product>() }),
		/**
		 * One batched read for carts and orders: the products that exist among `ids`, in any order,
		 * in the base currency. Product data only: `available` is null (not asked), since every
		 * caller that needs stock asks inventory in the same breath (the cart reads both at once).
		 */
		getMany: action({ params: { $$strict: true, ids: { type: "array", max: 100, items: ID } }, result: as<Product[]>() }),
		/**
		 * GET /api/products/suggest?q=: product names for what is being typed in a search box, the
		 * best first (names starting with the words, then names holding them, then the rest).
		 * Prefix and typo tolerant like the search; `limit` 1–10, default 6. Product data only: no
		 * prices, no stock, so an answer is cached until the catalog changes.
		 */
		suggest: action({
			params: { $$strict: true, q: { type: "string", min: 1, max: 100, trim: true }, limit: wholeNumber(1, MAX_SUGGESTIONS) },
			result: as<Suggestion[]>(),
		}),
		/** GET /api/categories: every category with its number of products. */
		categories: action({ params: { $$strict: true }, result: as<CategoryCount[]>() }),
		/** POST /api/products. `currency`, when given, must be the base currency (prices are stored in it): another is a 422. */
		create: action({
			params: {
				$$strict: true,
				sku: SKU,
				name: NAME,
				description: DESCRIPTION,
				category: categoryParam,
				price: PRICE,
				currency: STORED_CURRENCY,
				imageUrl: { ...IMAGE_URL, optional: true },
				featured: FEATURED,
			},
			result: as<Product>(),
		}),
		/** PATCH /api/products/:id: only the fields given change. */
		update: action({
			params: {
				$$strict: true,
				id: ID,
				sku: { ...SKU, optional: true },
				name: { ...NAME, optional: true },
				description: { ...DESCRIPTION, optional: true },
				category: { ...categoryParam, optional: true },
				price: { ...PRICE, optional: true },
				currency: STORED_CURRENCY,
				imageUrl: { ...IMAGE_URL, optional: true },
				featured: FEATURED,
			},
			result: as<Product>(),
		}),
		/**
		 * GET /images/products/<id>.svg when public/ holds no such file: the product's tile (SVG
		 * text), drawn from its category, id and name; 404 for an unknown id. Cached until the
		 * catalog changes.
		 */
		picture: action({ params: { $$strict: true, id: PICTURE_ID }, result: as<string>() }),
		/** DELETE /api/products/:id. */
		remove: action({ params: { $$strict: true, id: ID }, result: as<{ id: string }>() }),
	},
	{
		/** Products were created, changed or removed (broadcast: every instance refreshes its read model and cache). */
		"products.changed": event({ ids: { type: "array", max: 1_000, items: ID } }),
	},
);

export type CatalogActions = ActionsOf<typeof ProductsContract>;

/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export type ProductsEvents = EventsOf<typeof ProductsContract>;
