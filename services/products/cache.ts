// Cache keys for catalog answers, and when they stop being valid.
//
// A cached answer that shows `available` must not outlive a sale, and one that shows product
// data must not outlive an admin's change. Cleaning the cache on the event is not enough on
// its own: a read that started before the event and finishes after it would write the old
// figures back. So every key carries a generation, bumped on each event: a read in flight writes
// its answer under a key nobody will ask for again, and the TTL removes it. Nothing is cleaned
// by pattern, which would scan every cached key at each sale.
//
// Generations are per service instance (a random prefix keeps them apart when several nodes
// share one Redis cache), in three scopes:
//  - catalog: product data itself; bumped when any product is created, changed or removed.
//  - stock: answers about many products (pages, batches); bumped on any availability change.
//  - one counter per product: answers about that product; bumped when its availability changes.
import crypto from "node:crypto";
import type { ActionCacheOptions, Context } from "moleculer";

/** Longer parameter strings are hashed, so a key stays short whatever a client sends. */
const MAX_PLAIN = 160;

export class Generations {
	private readonly instance = crypto.randomBytes(4).toString("hex");
	private catalog = 0;
	private stock = 0;
	private readonly perProduct = new Map<string, number>();

	/** For what depends on product data only (a page of products before availability). */
	catalogKey(): string {
		return `${this.instance}${this.catalog}`;
	}

	/** For answers about many products, with their availability. */
	pagesKey(): string {
		return `${this.catalogKey()}.${this.stock}`;
	}

	/** For an answer about one product, with its availability. */
	productKey(id: string): string {
		return `${this.catalogKey()}.p${this.perProduct.get(id) ?? 0}`;
	}

	productsChanged(): void {
		this.catalog++;
	}

	stockChanged(ids: readonly string[]): void {
		this.stock++;
		for (const id of ids) this.perProduct.set(id, (this.perProduct.get(id) ?? 0) + 1);
	}
}

/**
 * `<action>:<generation>:<params>`. Params are the raw ones (the cacher runs before the
 * validator), serialized as JSON so that a string never collides with an object: `q=x` and
 * `q[$ne]=x` get different keys, and the second one never reaches the cache, being invalid.
 */
export function cacheKey(prefix: string, generation: string, params: unknown): string {
	const raw = JSON.stringify(params) ?? "";
	const part = raw.length > MAX_PLAIN ? crypto.createHash("sha256").update(raw).digest("base64url") : raw;
	return `${prefix}:${generation}:${part}`;
}

/** What the cache options below read from the service that owns the action. */
export interface CatalogCacheOwner {
	generations: Generations;
	/** False for a moment after an answer had to go without inventory or currency (see products.service). */
	answersCacheable(): boolean;
}

type Scope = "pages" | "product" | "catalog";

/**
 * Cache options for an action whose answer depends on `scope`: generation-keyed, and skipped
 * while the service is answering without one of its optional sources.
 */
export function catalogCache(action: string, scope: Scope, ttl: number): ActionCacheOptions {
	const owner = (ctx: Context) => ctx.service as unknown as CatalogCacheOwner;
	return {
		ttl,
		enabled: (ctx: Context) => scope === "catalog" || owner(ctx).answersCacheable(),
		keygen: (_action, _opts, ctx) => {
			const gens = owner(ctx as Context).generations;
			if (scope === "catalog") return cacheKey(action, gens.catalogKey(), ctx.params);
			if (scope === "pages") return cacheKey(action, gens.pagesKey(), ctx.params);
			const id = (ctx.params as { id?: unknown } | undefined)?.id;
			// The id leads the key so that one product's answers can be cleaned by prefix.
			return typeof id === "string" ? cacheKey(`${action}:${id}`, gens.productKey(id), ctx.params) : cacheKey(`${action}:-`, "", ctx.params);
		},
	};
}
