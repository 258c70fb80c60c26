// services/products/products.service.ts — the catalog: products, search, categories, and admin edits.
//
// Every answer that shows products gets `available` from inventory in one batched call and,
// for ?currency=, prices from currency in one call. Both are optional: without inventory,
// `available` is null; without currency, prices stay in the base currency. Either way the
// answer is a 200.
import crypto from "node:crypto";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { call } from "../../lib/call";
import { implement, onEvent } from "../../lib/contract";
import { catalogCache, Generations } from "./cache";
import { CatalogIndex } from "./catalog-index";
import { assertBaseCurrency, newProductDoc, derived, PRODUCT_INDEXES, seedPick, skuTaken, toProduct, type ProductDoc } from "./product";
import { normalizeQuery } from "./query";
import { drawnPictureUrl, pictureAction } from "./images";
import { ProductsContract, type Product } from "./products.contract";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { config } from "../../lib/config";
import { convertOrKeep } from "../../lib/currency-client";
import { invalidField, NotFoundError } from "../../lib/errors";
import { DbMixin, isDuplicateKey, type Store } from "../../mixins/db.mixin";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import type { Events } from "../../lib/events";
import type { ShopContext } from "../../lib/meta";
import { broadcast } from "../../lib/emit";
import { idempotentRead } from "../../lib/read-policy";

/**
 * Answers with `available` in them are cleaned by events; the TTL only bounds the damage of an
 * event that never arrived. Product data alone changes only through this service.
 */
const ANSWER_TTL_SECONDS = 60;
const CATALOG_TTL_SECONDS = 600;
/** After an answer had to go without inventory or currency, answers are not cached for this long. */
const DEGRADED_NO_CACHE_MS = 2_000;
/** What a search box shows under itself while the shopper types. */
const DEFAULT_SUGGESTIONS = 6;

interface ProductsSettings extends ServiceSettingSchema {
	baseCurrency: string;
	/** How long an answer waits for inventory or currency before going without them. */
	optionalCallTimeoutMs: number;
}

interface ProductsMethods extends ClockMethods {
	refreshCatalog(ids: string[]): Promise<void>;
	present(ctx: ShopContext, products: Product[], currency: string | undefined): Promise<Product[]>;
	availabilityOf(ctx: ShopContext, productIds: string[]): Promise<Record<string, number> | null>;
	answeredDegraded(ids: string[]): void;
	answersCacheable(): boolean;
	assertSkuFree(sku: string, exceptId: string | null): Promise<void>;
	productsChanged(ids: string[]): Promise<void>;
}

interface ProductsVars {
	adapter: Store<ProductDoc>;
	generations: Generations;
	/** Every product in memory, sorted every way a page can ask, with the search vocabulary. */
	catalog: CatalogIndex;
	/** Until when answers are not cached, after one went out without inventory or currency. */
	cacheOffUntil: number;
}

type ProductsThis = Service<ProductsSettings> & ProductsMethods & ProductsVars;

const ProductsService: ServiceSchema<ProductsSettings, ProductsMethods, ProductsVars> = {
	name: ProductsContract.name,
	// The catalog a fresh install starts with (lib/seed-catalog): stored by id and marked when complete,
	// so a start that died half-way is completed at the next, and a product deleted stays deleted.
	mixins: [DbMixin<ProductDoc>("products", { indexes: PRODUCT_INDEXES, seed: () => SEED_PRODUCTS.map(p => newProductDoc(p.id, { ...p, featured: seedPick(p.sku) }, p.createdAt)) }), Clock],

	settings: {
		baseCurrency: config.baseCurrency,
		optionalCallTimeoutMs: 500,
	},

	actions: implement<ProductsThis>()(ProductsContract, {
		list: {
			...idempotentRead(), // Safe to repeat elsewhere: a page of the catalog, read from the read model; nothing changes.
			auth: "public",
			cache: catalogCache("products.list", "pages", ANSWER_TTL_SECONDS),
			async handler(ctx) {
				const query = normalizeQuery(ctx.params);
				if (query.minPrice !== null && query.maxPrice !== null && query.minPrice > query.maxPrice) {
					throw invalidField("maxPrice", "maxPrice must not be below minPrice");
				}
				const page = this.catalog.query(query);
				const rows = await this.present(ctx, page.rows, ctx.params.currency);
				return { rows, total: page.total, page: query.page, pageSize: query.pageSize, totalPages: Math.ceil(page.total / query.pageSize) };
			},
		},

		get: {
			...idempotentRead(), // Safe to repeat elsewhere: reads one product.
			auth: "public",
			cache: catalogCache("products.get", "product", ANSWER_TTL_SECONDS),
			async handler(ctx) {
				const doc = await this.adapter.findOne({ _id: ctx.params.id });
				if (!doc) throw new NotFoundError("Product", { id: ctx.params.id });
				const [product] = await this.present(ctx, [toProduct(doc, this.settings.baseCurrency)], ctx.params.currency);
				return product;
			},
		},

		/**
		 * For carts and orders: many products in one call, product data only (`available` null:
		 * callers that need stock ask inventory beside it). From the read model, so no cache and no
		 * key that stock changes could move; the store only for ids created on another instance
		 * and not yet announced. Not routed.
		 */
		getMany: {
			...idempotentRead(), // Safe to repeat elsewhere: reads products by id (carts and orders price from it).
			visibility: "public",
			async handler(ctx) {
				const ids = [...new Set(ctx.params.ids)];
				const { found, unknown } = this.catalog.byIds(ids);
				if (unknown.length) {
					const docs = await this.adapter.findByIds(unknown);
					for (const doc of docs) this.catalog.upsert(doc);
					found.push(...docs.map(doc => toProduct(doc, this.settings.baseCurrency)));
				}
				return found.map(p => ({ ...p }));
			},
		},

		suggest: {
			...idempotentRead(), // Safe to repeat elsewhere: reads names from the read model.
			auth: "public",
			cache: catalogCache("products.suggest", "catalog", CATALOG_TTL_SECONDS),
			handler(ctx) {
				return this.catalog.suggest(ctx.params.q, typeof ctx.params.limit === "number" ? ctx.params.limit : DEFAULT_SUGGESTIONS);
			},
		},

		categories: {
			...idempotentRead(), // Safe to repeat elsewhere: reads the category counts.
			auth: "public",
			cache: catalogCache("products.categories", "catalog", CATALOG_TTL_SECONDS),
			handler() {
				return this.catalog.categories();
			},
		},

		create: {
			auth: "admin",
			async handler(ctx) {
				const { currency, ...input } = ctx.params;
				assertBaseCurrency(currency, this.settings.baseCurrency);
				await this.assertSkuFree(input.sku, null);
				const id = `prod-${crypto.randomUUID()}`;
				// Without a picture of its own, its tile: drawn when asked for (picture, below), no file written.
				const doc = newProductDoc(id, { ...input, imageUrl: input.imageUrl ?? drawnPictureUrl(id) }, new Date(this.now()).toISOString());
				await this.adapter.insert(doc).catch((err: unknown) => {
					throw isDuplicateKey(err) ? skuTaken(doc.sku) : err;
				});
				this.catalog.upsert(doc);
				await this.productsChanged([doc._id]);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/products/${encodeURIComponent(id)}`;
				const [product] = await this.present(ctx, [toProduct(doc, this.settings.baseCurrency)], undefined);
				return product;
			},
		},

		update: {
			auth: "admin",
			async handler(ctx) {
				const { id, currency, ...changes } = ctx.params;
				assertBaseCurrency(currency, this.settings.baseCurrency);
				if (Object.keys(changes).length === 0) throw invalidField("body", "Give at least one field to change");
				const current = await this.adapter.findOne({ _id: id });
				if (!current) throw new NotFoundError("Product", { id });
				if (changes.sku !== undefined && changes.sku !== current.sku) await this.assertSkuFree(changes.sku, id);

				const set: Partial<ProductDoc> = { ...changes, updatedAt: new Date(this.now()).toISOString() };
				if (changes.name !== undefined) Object.assign(set, derived(changes.name));
				const updated = await this.adapter.updateById(id, { $set: set }).catch((err: unknown) => Promise.reject(isDuplicateKey(err) ? skuTaken(changes.sku ?? "") : err));
				if (!updated) throw new NotFoundError("Product", { id });
				this.catalog.upsert(updated);
				await this.productsChanged([id]);
				const [product] = await this.present(ctx, [toProduct(updated, this.settings.baseCurrency)], undefined);
				return product;
			},
		},

		picture: pictureAction(catalogCache("products.picture", "catalog", CATALOG_TTL_SECONDS)),

		/** Stock records stay with inventory (orders may still name the product). */
		remove: {
			auth: "admin",
			async handler(ctx) {
				const removed = await this.adapter.removeMany({ _id: ctx.params.id });
				if (removed === 0) throw new NotFoundError("Product", { id: ctx.params.id });
				this.catalog.remove(ctx.params.id);
				await this.productsChanged([ctx.params.id]);
				return { id: ctx.params.id };
			},
		},
	}),

	events: {
		/**
		 * A sale, a reservation, a restock: answers showing these products' `available` are stale.
		 * Inventory broadcasts it, so every products instance moves its own keys. Nothing is cleaned:
		 * the stale answers' keys are never asked for again, and their TTL (and the cacher's size
		 * bound) removes them, where a clean would scan every cached key at every sale.
		 */
		"inventory.changed": {
			handler(this: ProductsThis, ctx: Context<Events["inventory.changed"]>) {
				const ids = Array.isArray(ctx.params?.productIds) ? ctx.params.productIds.filter(id => typeof id === "string") : null;
				// Without a usable list, assume every product changed.
				this.generations.stockChanged(ids ?? []);
				if (!ids) this.generations.productsChanged();
			},
		},

		/**
		 * Broadcast by whichever products instance made the change (itself included): the others
		 * reread those products into their read model and move their cache keys.
		 */
		"products.changed": onEvent<ProductsThis>()(ProductsContract.events["products.changed"], {
			async handler(ctx) {
				await this.refreshCatalog(ctx.params.ids);
				this.generations.productsChanged();
			},
		}),
	},

	methods: {
		/** Rereads these products from the store into the read model (gone from the store: gone from it). */
		async refreshCatalog(ids: string[]): Promise<void> {
			const docs = await this.adapter.findByIds(ids);
			const found = new Set(docs.map(doc => doc._id));
			for (const doc of docs) this.catalog.upsert(doc);
			for (const id of ids) if (!found.has(id)) this.catalog.remove(id);
		},

		/**
		 * Products as a shopper sees them: `available` from one inventory call, prices from one
		 * currency call when another currency is asked for. New objects: the input may be cached.
		 */
		async present(ctx: ShopContext, products: Product[], currency: string | undefined): Promise<Product[]> {
			const ids = products.map(p => p.id);
			const none: Record<string, number> = {};
			const [stock, prices] = await Promise.all([
				ids.length ? this.availabilityOf(ctx, ids) : none,
				convertOrKeep(ctx, this.settings.baseCurrency, currency, products.map(p => p.price), this.settings.optionalCallTimeoutMs),
			]);
			if (stock === null || (currency !== undefined && prices.currency !== currency)) this.answeredDegraded(ids);
			return products.map((p, i) => ({
				...p,
				price: prices.amounts[i],
				currency: prices.currency,
				available: stock === null ? null : (stock[p.id] ?? 0),
			}));
		},

		availabilityOf(ctx: ShopContext, productIds: string[]): Promise<Record<string, number> | null> {
			return call(ctx, "inventory.availability", { productIds }, { timeout: this.settings.optionalCallTimeoutMs, retries: 0, ifDown: { fallback: null } });
		},

		/** An answer went out without availability or conversion: moved out of the cache's reach, and no caching for a moment. */
		answeredDegraded(ids: string[]): void {
			this.generations.stockChanged(ids);
			this.cacheOffUntil = this.now() + DEGRADED_NO_CACHE_MS;
		},

		answersCacheable(): boolean {
			return this.now() >= this.cacheOffUntil;
		},

		async assertSkuFree(sku: string, exceptId: string | null): Promise<void> {
			const other = await this.adapter.findOne({ sku });
			if (other && other._id !== exceptId) throw skuTaken(sku);
		},

		/** Moves this node's cache keys before the admin gets the answer; tells the other nodes to follow. */
		async productsChanged(ids: string[]): Promise<void> {
			this.generations.productsChanged();
			await broadcast(this.broker, "products.changed", { ids });
		},
	},

	created() {
		this.generations = new Generations();
		this.catalog = new CatalogIndex(this.settings.baseCurrency);
		this.cacheOffUntil = 0;
	},

	/** After the store connected and seeded (the store mixin's started runs first). */
	async started() {
		this.catalog.load(await this.adapter.readAll());
	},
};

export default ProductsService;
