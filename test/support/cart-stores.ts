// The stores the cart runs on, for tests that run the same behaviour on each: the shop's
// document store (NeDB in memory here) and Redis (found or started by ./redis).
import { cartKeyPrefix } from "../../services/cart/redis-store";
import { findOrStartRedis, keysUnder, uniqueNamespace, type TestRedis } from "./redis";

export const CART_STORES = ["document store", "redis"] as const;
export type CartStoreKind = (typeof CART_STORES)[number];

export interface TestCartStore {
	/** The cart service's `store` setting. */
	store: string | null;
	/** The broker's namespace: the Redis key prefix of its carts. */
	namespace: string;
	redis: TestRedis | null;
	/** After the last test: fails if keys were left behind in Redis, and stops a Redis started for the tests. */
	release(): Promise<void>;
}

export async function useCartStore(kind: CartStoreKind): Promise<TestCartStore> {
	const namespace = uniqueNamespace("cart-test");
	if (kind === "document store") return { store: null, namespace, redis: null, release: async () => undefined };
	const redis = await findOrStartRedis();
	return {
		store: redis.url,
		namespace,
		redis,
		async release() {
			try {
				expect(await keysUnder(redis.url, cartKeyPrefix(namespace))).toEqual([]);
			} finally {
				await redis.stop();
			}
		},
	};
}
