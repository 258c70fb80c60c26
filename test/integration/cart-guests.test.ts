// Guest carts cost the store nothing until a guest puts something in one: a read hands out a
// signed id and stores nothing; the first write stores the cart under that id. On each store.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import CartService from "../../services/cart/cart.service";
import { guestKey } from "../../services/cart/keys";
import type { ShopMeta } from "../../lib/meta";
import { startBroker } from "../support/broker";
import { CART_STORES, useCartStore, type TestCartStore } from "../support/cart-stores";

const stock = new Map([["mug", 50]]);
const ProductsDouble: ServiceSchema = {
	name: "products",
	actions: { getMany: { handler: ctx => (ctx.params.ids as string[]).filter(id => stock.has(id)).map(id => ({ id, name: id, price: 1000, currency: "USD" })) } },
};
const InventoryDouble: ServiceSchema = {
	name: "inventory",
	actions: { availability: { handler: ctx => Object.fromEntries((ctx.params.productIds as string[]).map(id => [id, stock.get(id) ?? 0])) } },
};

describe.each(CART_STORES)("guest carts, stored on their first write, in the %s", kind => {
	let broker: ServiceBroker;
	let cart: any;
	let stores: TestCartStore;

	beforeAll(async () => {
		stores = await useCartStore(kind);
		const schema = { name: "cart", mixins: [CartService], settings: { sweepIntervalMs: 0, store: stores.store } } as ServiceSchema;
		broker = await startBroker([schema, ProductsDouble, InventoryDouble], { namespace: stores.namespace });
		cart = broker.getLocalService("cart");
	});
	afterEach(() => cart.carts.store.clear());
	afterAll(async () => {
		await broker.stop();
		await stores.release();
	});

	/** Calls a cart action as a guest (straight to the action: the gateway's rate limit is not what is tested); returns the answer and X-Cart-Id. */
	async function asGuest(action: string, params: object, cartId?: string): Promise<{ body: any; cartId: string }> {
		const meta: ShopMeta = { cartId };
		const body = await broker.call(action, params, { meta });
		return { body, cartId: meta.$responseHeaders!["X-Cart-Id"] };
	}

	it("stores nothing for 2,000 visitors who only look, and gives each an id of its own", async () => {
		const ids = new Set<string>();
		for (let i = 0; i < 2_000; i++) {
			const { body, cartId } = await asGuest("cart.get", {});
			expect(body.items).toEqual([]);
			ids.add(cartId);
		}
		expect(ids.size).toBe(2_000);
		expect(await cart.carts.store.count()).toBe(0);
	});

	it("stores nothing when an empty cart is cleared or a missing line removed", async () => {
		const { cartId } = await asGuest("cart.get", {});
		expect((await asGuest("cart.clear", {}, cartId)).cartId).toBe(cartId);
		expect((await asGuest("cart.removeItem", { productId: "mug" }, cartId)).cartId).toBe(cartId);
		expect((await asGuest("cart.setItem", { productId: "mug", quantity: 0 }, cartId)).cartId).toBe(cartId);
		expect(await cart.carts.store.count()).toBe(0);
	});

	it("stores the cart at the first add, under the id the first read handed out", async () => {
		const { cartId } = await asGuest("cart.get", {});
		const added = await asGuest("cart.addItem", { productId: "mug", quantity: 2 }, cartId);
		expect(added.cartId).toBe(cartId);
		expect(await cart.carts.store.count()).toBe(1);
		expect((await cart.carts.read(guestKey(cartId))).lines).toEqual([{ productId: "mug", quantity: 2 }]);
		expect((await asGuest("cart.get", {}, cartId)).body.itemCount).toBe(2);
	});
});
