// Memory is bounded by configuration, not by clients: every node's default cacher is an LRU of
// CACHE_MAX entries, and 20,000 distinct catalog queries (a different minPrice each, as a
// client scanning prices would send) leave at most that many answers in memory. (Before:
// Moleculer's unbounded Memory cacher, which kept every one of them for ten minutes.)
import type { ServiceBroker, ServiceSchema } from "moleculer";
import brokerConfig from "../../moleculer.config";
import { cacherOption } from "../../lib/cacher";
import { config } from "../../lib/config";
import ProductsService from "../../services/products/products.service";
import { startBroker } from "../support/broker";

const QUERIES = 20_000;
/** Smaller than the default (10,000) so that the bound is reached many times over. */
const MAX = 1_000;

/** Stock for every product, so answers are complete and cached as in production. */
const Inventory: ServiceSchema = {
	name: "inventory",
	actions: { availability: (ctx: any) => Object.fromEntries((ctx.params.productIds as string[]).map(id => [id, 5])) },
};

interface LruCacher {
	cache: { size: number; max: number };
	getCacheKeys(): Promise<{ key: string }[]>;
}

it("every node's default cacher is the bounded LRU of CACHE_MAX entries", () => {
	expect(config.cacher).toBeNull();
	expect(brokerConfig.cacher).toEqual({ type: "MemoryLRU", options: { max: config.cacheMax } });
	expect(config.cacheMax).toBe(10_000);
});

describe(`${QUERIES} distinct catalog queries`, () => {
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker([ProductsService, Inventory] as ServiceSchema[], { cacher: cacherOption({ cacher: null, cacheMax: MAX }) });
	});
	afterAll(() => broker.stop());

	it(`leave at most ${MAX} answers in the cache, the most recent ones`, async () => {
		const cacher = broker.cacher as unknown as LruCacher;
		let most = 0;
		for (let i = 0; i < QUERIES; i += 20) {
			await Promise.all(Array.from({ length: 20 }, (_, j) => broker.call("products.list", { minPrice: i + j, pageSize: 5 })));
			most = Math.max(most, cacher.cache.size);
		}
		// The bound was reached (answers were being cached) and never passed.
		expect(most).toBe(MAX);
		expect((await cacher.getCacheKeys()).length).toBeLessThanOrEqual(MAX);
		// The least recently used left first: the first query is long gone.
		const keys = (await cacher.getCacheKeys()).map(k => k.key);
		expect(keys.some(k => k.endsWith(JSON.stringify({ minPrice: 0, pageSize: 5 })))).toBe(false);
	}, 240_000); // ~20 s on an idle machine; generous for a loaded one
});
