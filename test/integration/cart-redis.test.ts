// Carts in Redis (CART_STORE): what only a shared store can promise. The behaviour every store
// shares runs on Redis too, in cart-api, cart-merge and cart-guests.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import CartService from "../../services/cart/cart.service";
import type { ShopMeta } from "../../lib/meta";
import { createBroker, startBroker } from "../support/broker";
import { useCartStore, type TestCartStore } from "../support/cart-stores";
import { freePort } from "../support/nats";
import { uniqueNamespace } from "../support/redis";

const ProductsDouble: ServiceSchema = {
	name: "products",
	actions: { getMany: { handler: ctx => (ctx.params.ids as string[]).map(id => ({ id, name: id, price: 1000, currency: "USD" })) } },
};
const InventoryDouble: ServiceSchema = {
	name: "inventory",
	actions: { availability: { handler: ctx => Object.fromEntries((ctx.params.productIds as string[]).map(id => [id, 50])) } },
};

const cartOn = (store: string | null): ServiceSchema => ({ name: "cart", mixins: [CartService], settings: { sweepIntervalMs: 0, store } }) as ServiceSchema;
/** A node of the shop running the cart (and stand-ins for what it reads), its document store in memory: nothing local outlives it. */
const startNode = (store: string | null, namespace: string) => startBroker([cartOn(store), ProductsDouble, InventoryDouble], { namespace });

const alice = { id: "user-alice", email: "alice@example.com", role: "customer" as const };

async function add(broker: ServiceBroker, meta: ShopMeta, productId: string, quantity: number): Promise<ShopMeta> {
	await broker.call("cart.addItem", { productId, quantity }, { meta });
	return meta;
}
const itemsOf = async (broker: ServiceBroker, meta: ShopMeta) => ((await broker.call("cart.get", {}, { meta })) as any).items.map((i: any) => [i.productId, i.quantity]);

describe("carts in Redis", () => {
	let stores: TestCartStore;
	const running = new Set<ServiceBroker>();
	const node = async (namespace = stores.namespace, store = stores.store) => {
		const broker = await startNode(store, namespace);
		running.add(broker);
		return broker;
	};
	const stop = async (broker: ServiceBroker) => {
		await broker.stop();
		running.delete(broker);
	};

	beforeAll(async () => {
		stores = await useCartStore("redis");
	});
	afterEach(async () => {
		for (const broker of running) {
			await (broker.getLocalService("cart") as any).carts.store.clear();
			await stop(broker);
		}
	});
	afterAll(() => stores.release());


	it("keeps users' and guests' carts when the node is replaced by one with a fresh data dir", async () => {
		const first = await node();
		await add(first, { user: alice }, "mug", 2);
		const guest = await add(first, {}, "tee", 3);
		const cartId = guest.$responseHeaders!["X-Cart-Id"];
		await stop(first);

		const second = await node();
		expect(await itemsOf(second, { user: alice })).toEqual([["mug", 2]]);
		const meta: ShopMeta = { cartId };
		expect(await itemsOf(second, meta)).toEqual([["tee", 3]]);
		expect(meta.$responseHeaders!["X-Cart-Id"]).toBe(cartId);
	});

	it("loses them on the same replacement without Redis (so the test above means something)", async () => {
		const namespace = uniqueNamespace("cart-test");
		const first = await node(namespace, null);
		await add(first, { user: alice }, "mug", 2);
		await stop(first);
		expect(await itemsOf(await node(namespace, null), { user: alice })).toEqual([]);
	});

	it("keeps the carts of two namespaces apart on one Redis", async () => {
		const [shopA, shopB] = [await node(), await node(uniqueNamespace("cart-test"))];
		await add(shopA, { user: alice }, "mug", 1);
		await add(shopB, { user: alice }, "tee", 4);
		expect(await itemsOf(shopA, { user: alice })).toEqual([["mug", 1]]);
		expect(await itemsOf(shopB, { user: alice })).toEqual([["tee", 4]]);
	});

	it("answers 503 naming the cart store, at once, while Redis cannot be reached", async () => {
		const broker = await startNode(stores.store, stores.namespace); // not in `running`: its store cannot be cleaned, and it writes nothing
		try {
			(broker.getLocalService("cart") as any).carts.store.redis.disconnect();
			const started = Date.now();
			await expect(broker.call("cart.get", {}, { meta: { user: alice } })).rejects.toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE", data: { service: "cart store" } });
			await expect(add(broker, { user: alice }, "mug", 1)).rejects.toMatchObject({ code: 503 });
			expect(Date.now() - started).toBeLessThan(1_000);
		} finally {
			await broker.stop();
		}
	});

	it("refuses to start, saying so, when CART_STORE does not answer", async () => {
		const nowhere = `redis://127.0.0.1:${await freePort()}/0`;
		const broker = createBroker({ namespace: uniqueNamespace("cart-test") });
		broker.createService(cartOn(nowhere));
		try {
			await expect(broker.start()).rejects.toThrow(`The cart store ${nowhere} does not answer`);
		} finally {
			await broker.stop();
		}
	});
});
