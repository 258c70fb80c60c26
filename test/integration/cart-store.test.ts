// The promises both cart stores keep (store.ts), checked on each store directly: the service
// code is one because of them.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import CartService from "../../services/cart/cart.service";
import type { CartStore } from "../../services/cart/store";
import { startBroker } from "../support/broker";
import { CART_STORES, useCartStore, type TestCartStore } from "../support/cart-stores";

describe.each(CART_STORES)("the cart store: %s", kind => {
	let broker: ServiceBroker;
	let stores: TestCartStore;
	let store: CartStore;

	beforeAll(async () => {
		stores = await useCartStore(kind);
		broker = await startBroker([{ name: "cart", mixins: [CartService], settings: { sweepIntervalMs: 0, store: stores.store } } as ServiceSchema], { namespace: stores.namespace });
		store = (broker.getLocalService("cart") as any).carts.store;
	});
	afterEach(() => store.clear());
	afterAll(async () => {
		await broker.stop();
		await stores.release();
	});

	const lines = (quantity: number) => [{ productId: "mug", quantity }];

	it("creates a cart once: of several creations at the same time, one wins", async () => {
		const results = await Promise.all([1, 2, 3, 4].map(q => store.write("u:a", 0, { lines: lines(q), updatedAt: "t" })));
		expect(results.filter(Boolean)).toHaveLength(1);
		expect(await store.read("u:a")).toMatchObject({ _id: "u:a", version: 1 });
	});

	it("applies a write only to the version it was computed from, and bumps it", async () => {
		await store.write("u:a", 0, { lines: lines(1), updatedAt: "t0" });
		const results = await Promise.all([2, 3, 4].map(q => store.write("u:a", 1, { lines: lines(q), updatedAt: `t${q}` })));
		expect(results.filter(Boolean)).toHaveLength(1);
		const doc = await store.read("u:a");
		expect(doc).toMatchObject({ version: 2, lines: lines(2 + results.indexOf(true)) });
		expect(await store.write("u:a", 1, { lines: lines(9) })).toBe(false);
	});

	it("keeps every field as written, and reads a missing cart as null", async () => {
		const fields = { lines: lines(2), updatedAt: "2026-11-02T10:00:00.000Z", expiresAt: Date.now() + 60_000, merges: ["m1"], removals: ["o1"], claim: { id: "c1", userId: "u", lines: lines(1) } };
		await store.write("g:x", 0, fields);
		expect(await store.read("g:x")).toEqual({ _id: "g:x", version: 1, ...fields });
		expect(await store.read("g:nobody")).toBeNull();
	});

	it("moves a cart's expiry without bringing back a cart that is gone", async () => {
		await store.write("g:x", 0, { lines: [], updatedAt: "t", expiresAt: Date.now() + 60_000 });
		const later = Date.now() + 3_600_000;
		await store.touch("g:x", later);
		await store.touch("g:gone", later);
		expect((await store.read("g:x"))?.expiresAt).toBe(later);
		expect(await store.read("g:gone")).toBeNull();
		expect(await store.count()).toBe(1);
	});

	it("drops a claim only when it is still the claim named", async () => {
		const claim = { id: "g:x@1", userId: "u", lines: lines(1) };
		await store.write("g:x", 0, { lines: [], updatedAt: "t", claim });
		await store.dropClaim("g:x", "g:x@0");
		expect((await store.read("g:x"))?.claim).toEqual(claim);
		await store.dropClaim("g:x", "g:x@1");
		expect((await store.read("g:x"))?.claim).toBeUndefined();
	});
});
