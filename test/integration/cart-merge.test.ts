// A guest cart merged into the user's cart at sign-in (the users service calls cart.merge; here
// the test does), and the actions checkout uses. Products and inventory are test doubles. Every
// test runs with the carts in each store: the shop's document store, and Redis.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CartService from "../../services/cart/cart.service";
import { guestKey } from "../../services/cart/keys";
import { call } from "../../lib/call";
import { signToken } from "../../lib/tokens";
import type { Product } from "../../services/products/products.contract";
import { gatewayUrl, startBroker } from "../support/broker";
import { CART_STORES, useCartStore, type TestCartStore } from "../support/cart-stores";
import { http } from "../support/http";

const DAY = 24 * 60 * 60_000;
const stock = new Map<string, number>();
const product = (id: string): Product => ({ id, sku: id, name: `Product ${id}`, description: "", category: "test", price: 1000, currency: "USD", imageUrl: "", available: null });

const ProductsDouble: ServiceSchema = {
	name: "products",
	actions: { getMany: { handler: ctx => (ctx.params.ids as string[]).filter(id => stock.has(id)).map(product) } },
};
const InventoryDouble: ServiceSchema = {
	name: "inventory",
	actions: { availability: { handler: ctx => Object.fromEntries((ctx.params.productIds as string[]).filter(id => stock.has(id)).map(id => [id, stock.get(id)])) } },
};

let clock = Date.parse("2026-11-02T10:00:00Z");
const testCart = (store: string | null) => ({ name: "cart", mixins: [CartService], settings: { sweepIntervalMs: 0, store }, methods: { now: () => clock } }) as ServiceSchema;

/** A broker running `services` and a cart on `kind`, cleaned after each test and stopped after the last. */
function brokerWithCart(kind: (typeof CART_STORES)[number], services: ServiceSchema[]): () => ServiceBroker {
	let broker: ServiceBroker;
	let stores: TestCartStore;
	beforeAll(async () => {
		stores = await useCartStore(kind);
		broker = await startBroker([testCart(stores.store), ...services], { namespace: stores.namespace });
	});
	afterEach(() => (broker.getLocalService("cart") as any).carts.store.clear());
	afterAll(async () => {
		await broker.stop();
		await stores.release();
	});
	return () => broker;
}

describe.each(CART_STORES)("cart merge at sign-in, carts in the %s", kind => {
	const theBroker = brokerWithCart(kind, [ApiService, ProductsDouble, InventoryDouble]);
	let broker: ServiceBroker;
	let api: string;
	let users = 0;

	beforeAll(() => {
		broker = theBroker();
		api = `${gatewayUrl(broker)}/api`;
	});
	beforeEach(() => {
		stock.clear();
		["mug", "tee", "cap"].forEach(id => stock.set(id, 500));
	});

	/** A new user, with a token and these lines already in their cart. */
	async function newUser(lines: Record<string, number> = {}): Promise<{ id: string; token: string }> {
		const id = `user-${++users}`;
		const token = signToken({ id, email: `${id}@example.com`, role: "customer" });
		for (const [productId, quantity] of Object.entries(lines)) expect((await http.post(`${api}/cart/items`, { productId, quantity }, { token })).status).toBe(200);
		return { id, token };
	}

	/** A guest cart holding these lines; returns its id. */
	async function guestCart(lines: Record<string, number>): Promise<string> {
		let cartId = (await http.get(`${api}/cart`)).headers.get("x-cart-id")!;
		for (const [productId, quantity] of Object.entries(lines)) {
			const res = await http.post(`${api}/cart/items`, { productId, quantity }, { headers: { "x-cart-id": cartId } });
			expect(res.status).toBe(200);
			cartId = res.headers.get("x-cart-id")!;
		}
		return cartId;
	}

	const merge = (guestCartId: string, userId: string) => call(broker, "cart.merge", { guestCartId, userId });
	const quantities = async (token: string) => Object.fromEntries((await http.get(`${api}/cart`, { token })).body.items.map((i: any) => [i.productId, i.quantity]));
	const guestItems = async (cartId: string) => (await http.get(`${api}/cart`, { headers: { "x-cart-id": cartId } })).body.items;

	it("adds the guest's quantities to the user's cart and leaves the guest cart empty", async () => {
		const user = await newUser({ mug: 2 });
		const cartId = await guestCart({ mug: 3, tee: 1 });
		const result = await merge(cartId, user.id);
		expect(result).toEqual({ merged: true, lines: [{ productId: "mug", quantity: 5 }, { productId: "tee", quantity: 1 }], capped: [] });
		expect(await quantities(user.token)).toEqual({ mug: 5, tee: 1 });
		expect(await guestItems(cartId)).toEqual([]);
	});

	it("caps a merged line at 99 and at what is available, and says so", async () => {
		stock.set("tee", 4);
		const user = await newUser({ mug: 60, tee: 2 });
		const cartId = await guestCart({ mug: 50, tee: 2 });
		stock.set("tee", 3);
		const result = await merge(cartId, user.id);
		expect(result.capped).toEqual([
			{ productId: "mug", requested: 110, kept: 99 },
			{ productId: "tee", requested: 4, kept: 3 },
		]);
		expect(await quantities(user.token)).toEqual({ mug: 99, tee: 3 });
		expect(await guestItems(cartId)).toEqual([]);
	});

	it("does nothing the second time", async () => {
		const user = await newUser({ cap: 1 });
		const cartId = await guestCart({ cap: 2 });
		expect((await merge(cartId, user.id)).merged).toBe(true);
		expect(await merge(cartId, user.id)).toEqual({ merged: false, lines: [{ productId: "cap", quantity: 3 }], capped: [] });
		expect(await quantities(user.token)).toEqual({ cap: 3 });
	});

	it("merges a guest cart once when two sign-ins send it at the same time", async () => {
		const user = await newUser();
		const cartId = await guestCart({ mug: 2 });
		const results = await Promise.all([merge(cartId, user.id), merge(cartId, user.id), merge(cartId, user.id)]);
		expect(results.filter(r => r.merged)).toHaveLength(1);
		expect(await quantities(user.token)).toEqual({ mug: 2 });
	});

	it("gives a guest cart to one user only, never to a second one who sends the same id", async () => {
		const [alice, bob] = [await newUser(), await newUser({ tee: 1 })];
		const cartId = await guestCart({ mug: 2 });
		const results = await Promise.all([merge(cartId, alice.id), merge(cartId, bob.id)]);
		expect(results.map(r => r.merged).sort()).toEqual([false, true]);
		const both = [await quantities(alice.token), await quantities(bob.token)];
		expect(both).toEqual(results[0].merged ? [{ mug: 2 }, { tee: 1 }] : [{}, { tee: 1, mug: 2 }]);
	});

	it("merges nothing from an unknown, guessed, malformed or expired guest cart id", async () => {
		const user = await newUser({ cap: 1 });
		const other = await guestCart({ mug: 2 });
		for (const id of ["A".repeat(32), `${other.slice(0, -1)}${other.endsWith("A") ? "B" : "A"}`, "not-an-id", `u:${user.id}`]) {
			expect(await merge(id, user.id)).toEqual({ merged: false, lines: [{ productId: "cap", quantity: 1 }], capped: [] });
		}
		clock += 31 * DAY;
		expect((await merge(other, user.id)).merged).toBe(false);
		expect(await quantities(user.token)).toEqual({ cap: 1 });
	});

	it("finishes a merge that stopped half-way, without adding anything twice", async () => {
		const user = await newUser({ mug: 1 });
		const cartId = await guestCart({ mug: 2 });
		const service = broker.getLocalService("cart") as any;

		// A node died after taking the lines out of the guest cart: the retry finishes the job.
		const claim = await service.carts.claimGuest(cartId, user.id);
		expect(await guestItems(cartId)).toEqual([]);
		expect((await merge(cartId, user.id)).merged).toBe(true);
		expect(await quantities(user.token)).toEqual({ mug: 3 });

		// A node died after adding them to the user's cart, before it could clean up: nothing more is added.
		const store = service.carts.store;
		const guest = await store.read(guestKey(cartId));
		expect(await store.write(guestKey(cartId), guest.version, { claim })).toBe(true);
		expect((await merge(cartId, user.id)).merged).toBe(false);
		expect(await quantities(user.token)).toEqual({ mug: 3 });
		expect((await store.read(guestKey(cartId))).claim).toBeUndefined();
	});

	it("never lets sign-in fail because products or inventory is down: caps at 99 then", async () => {
		const user = await newUser({ mug: 90 });
		const cartId = await guestCart({ mug: 20, tee: 1 });
		await Promise.all(["products", "inventory"].map(name => broker.destroyService(broker.getLocalService(name)!)));
		try {
			expect(await merge(cartId, user.id)).toEqual({
				merged: true,
				lines: [{ productId: "mug", quantity: 99 }, { productId: "tee", quantity: 1 }],
				capped: [{ productId: "mug", requested: 110, kept: 99 }],
			});
		} finally {
			[ProductsDouble, InventoryDouble].forEach(schema => broker.createService(schema));
			await broker.waitForServices(["products", "inventory"], 2_000, 10);
		}
	});
});

describe.each(CART_STORES)("cart actions for checkout, carts in the %s", kind => {
	const theBroker = brokerWithCart(kind, [ProductsDouble, InventoryDouble]);
	let broker: ServiceBroker;

	beforeAll(() => {
		broker = theBroker();
		["mug", "tee"].forEach(id => stock.set(id, 500));
	});

	const meta = { user: { id: "buyer", email: "buyer@example.com", role: "customer" } };

	it("reads a user's lines, the same every time", async () => {
		await broker.call("cart.addItem", { productId: "mug", quantity: 2 }, { meta });
		await broker.call("cart.addItem", { productId: "tee", quantity: 1 }, { meta });
		const lines = [{ productId: "mug", quantity: 2 }, { productId: "tee", quantity: 1 }];
		expect(await call(broker, "cart.lines", { userId: "buyer" })).toEqual(lines);
		expect(await call(broker, "cart.lines", { userId: "buyer" })).toEqual(lines);
		expect(await call(broker, "cart.lines", { userId: "nobody" })).toEqual([]);
	});

	/** A shopper of their own, with these lines in the cart. */
	let shoppers = 0;
	async function shopper(lines: Record<string, number>) {
		const user = { id: `shopper-${++shoppers}`, email: "s@example.com", role: "customer" };
		for (const [productId, quantity] of Object.entries(lines)) await broker.call("cart.addItem", { productId, quantity }, { meta: { user } });
		return user;
	}

	it("takes only the bought lines out of the cart after an order: what was added meanwhile stays", async () => {
		const user = await shopper({ mug: 3 }); // 2 mugs bought; 1 more mug and a tee added in another tab meanwhile
		await broker.call("cart.addItem", { productId: "tee", quantity: 1 }, { meta: { user } });
		const removal = { userId: user.id, key: "order-1:cart.removeOrdered", lines: [{ productId: "mug", quantity: 2 }] };
		expect(await call(broker, "cart.removeOrdered", removal)).toEqual({ applied: true });
		expect(await call(broker, "cart.lines", { userId: user.id })).toEqual([{ productId: "mug", quantity: 1 }, { productId: "tee", quantity: 1 }]);
	});

	it("takes an order's lines out once, however often the message is delivered", async () => {
		const user = await shopper({ mug: 2 });
		const removal = { userId: user.id, key: "order-2:cart.removeOrdered", lines: [{ productId: "mug", quantity: 2 }] };
		expect(await call(broker, "cart.removeOrdered", removal)).toEqual({ applied: true });
		await broker.call("cart.addItem", { productId: "mug", quantity: 1 }, { meta: { user } }); // the shopper shops on
		const again = await Promise.all([1, 2, 3].map(() => call(broker, "cart.removeOrdered", removal)));
		expect(again).toEqual([{ applied: false }, { applied: false }, { applied: false }]);
		expect(await call(broker, "cart.lines", { userId: user.id })).toEqual([{ productId: "mug", quantity: 1 }]);
	});

	it("takes no more than the cart holds, and adds nothing to a cart that holds none", async () => {
		const user = await shopper({ mug: 1 });
		await call(broker, "cart.removeOrdered", { userId: user.id, key: "order-3:cart.removeOrdered", lines: [{ productId: "mug", quantity: 5 }, { productId: "tee", quantity: 1 }] });
		expect(await call(broker, "cart.lines", { userId: user.id })).toEqual([]);
		expect(await call(broker, "cart.removeOrdered", { userId: "nobody", key: "order-4:cart.removeOrdered", lines: [{ productId: "mug", quantity: 1 }] })).toEqual({ applied: true });
		expect(await call(broker, "cart.lines", { userId: "nobody" })).toEqual([]);
	});
});
