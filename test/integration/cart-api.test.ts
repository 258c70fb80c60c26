// The cart through the gateway, as a browser uses it: signed in or as a guest. Products and
// inventory are test doubles here (their calls are counted); currency is the real service.
// Every test runs with the carts in each store: the shop's document store, and Redis.
import fc from "fast-check";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CartService from "../../services/cart/cart.service";
import CurrencyService from "../../services/currency/currency.service";
import { convertMinor } from "../../services/currency/convert";
import Redis from "ioredis";
import { guestKey } from "../../services/cart/keys";
import { cartKeyPrefix } from "../../services/cart/redis-store";
import { signToken } from "../../lib/tokens";
import type { Product } from "../../services/products/products.contract";
import { gatewayUrl, startBroker } from "../support/broker";
import { CART_STORES, useCartStore, type TestCartStore } from "../support/cart-stores";
import { http } from "../support/http";

const DAY = 24 * 60 * 60_000;

const catalog = new Map<string, Product>();
const stock = new Map<string, number>();
const calls = { getMany: 0, availability: 0 };

function product(id: string, price: number, available = 50): Product {
	const p: Product = { id, sku: id.toUpperCase(), name: `Product ${id}`, description: "", category: "test", price, currency: "USD", imageUrl: "", available };
	catalog.set(id, p);
	stock.set(id, available);
	return p;
}

const ProductsDouble: ServiceSchema = {
	name: "products",
	actions: {
		getMany: {
			// As the real one: at most 100 ids in one call.
			params: { ids: { type: "array", max: 100, items: "string" } },
			handler(ctx) {
				calls.getMany++;
				return (ctx.params.ids as string[]).flatMap(id => (catalog.has(id) ? [{ ...catalog.get(id) }] : []));
			},
		},
	},
};

const InventoryDouble: ServiceSchema = {
	name: "inventory",
	actions: {
		availability: {
			params: { productIds: { type: "array", items: "string" } },
			handler(ctx) {
				calls.availability++;
				return Object.fromEntries((ctx.params.productIds as string[]).filter(id => stock.has(id)).map(id => [id, stock.get(id)]));
			},
		},
	},
};

let clock = Date.parse("2026-11-02T10:00:00Z");
/** The real cart service on `store`, on a clock the tests move. */
const testCart = (store: string | null) =>
	({
		name: "cart",
		mixins: [CartService],
		settings: { sweepIntervalMs: 0, store },
		methods: { now: () => clock },
	}) as ServiceSchema;

const alice = signToken({ id: "user-alice", email: "alice@example.com", role: "customer" });
const bob = signToken({ id: "user-bob", email: "bob@example.com", role: "customer" });

describe.each(CART_STORES)("cart API, carts in the %s", kind => {
	let broker: ServiceBroker;
	let api: string;
	let stores: TestCartStore;
	const cartService = () => broker.getLocalService("cart") as any;

	beforeAll(async () => {
		stores = await useCartStore(kind);
		broker = await startBroker([ApiService, CurrencyService, testCart(stores.store), ProductsDouble, InventoryDouble] as ServiceSchema[], { namespace: stores.namespace });
		api = `${gatewayUrl(broker)}/api`;
	});
	afterEach(() => cartService().carts.store.clear());
	afterAll(async () => {
		await broker.stop();
		await stores.release();
	});

	beforeEach(async () => {
		catalog.clear();
		stock.clear();
		await Promise.all([alice, bob].map(token => http.del(`${api}/cart`, { token })));
	});

	const add = (token: string, productId: string, quantity: number) => http.post(`${api}/cart/items`, { productId, quantity }, { token });
	const getCart = (token: string, query = "") => http.get(`${api}/cart${query}`, { token });

	describe("pricing", () => {
		it("prices a cart from the catalog, and shows a price change at once", async () => {
			product("mug", 1250);
			product("tee", 1999);
			expect((await add(alice, "mug", 2)).status).toBe(200);
			const res = await add(alice, "tee", 1);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				items: [
					{ productId: "mug", name: "Product mug", unitPrice: 1250, quantity: 2, lineTotal: 2500, available: 50 },
					{ productId: "tee", name: "Product tee", unitPrice: 1999, quantity: 1, lineTotal: 1999, available: 50 },
				],
				itemCount: 3,
				subtotal: 4499,
				currency: "USD",
			});

			catalog.get("mug")!.price = 1000;
			const after = await getCart(alice);
			expect(after.body.items[0]).toMatchObject({ unitPrice: 1000, lineTotal: 2000 });
			expect(after.body.subtotal).toBe(3999);
		});

		it("reads products and stock once per request, however many lines the cart holds", async () => {
			for (let i = 0; i < 12; i++) {
				product(`p${i}`, 100 + i);
				await add(alice, `p${i}`, 1);
			}
			calls.getMany = calls.availability = 0;
			expect((await getCart(alice)).body.items).toHaveLength(12);
			expect(calls).toEqual({ getMany: 1, availability: 1 });

			calls.getMany = calls.availability = 0;
			expect((await add(alice, "p3", 1)).status).toBe(200);
			expect(calls).toEqual({ getMany: 1, availability: 1 });
		});

		it("shows the cart in another currency, line totals from the converted unit price", async () => {
			product("mug", 1999);
			await add(alice, "mug", 3);
			const res = await getCart(alice, "?currency=EUR");
			expect(res.status).toBe(200);
			const unit = convertMinor(1999, "USD", "EUR");
			expect(res.body).toMatchObject({ currency: "EUR", subtotal: unit * 3, items: [{ unitPrice: unit, lineTotal: unit * 3 }] });
		});

		it("refuses a currency the shop does not know", async () => {
			const res = await getCart(alice, "?currency=XYZ");
			expect(res.status).toBe(422);
			expect(res.body.data).toEqual([expect.objectContaining({ field: "currency" })]);
		});

		it("refuses an unknown currency on a change before changing anything", async () => {
			product("mug", 1250);
			const res = await http.post(`${api}/cart/items?currency=XYZ`, { productId: "mug", quantity: 1 }, { token: alice });
			expect(res.status).toBe(422);
			expect(res.body.data).toEqual([expect.objectContaining({ field: "currency" })]);
			expect((await getCart(alice)).body.items).toEqual([]);
		});

		it("keeps totals exact in cents through the whole request, for random carts", async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.uniqueArray(fc.record({ id: fc.constantFrom("a", "b", "c", "d", "e", "f", "g"), price: fc.integer({ min: 1, max: 9_999_999 }), quantity: fc.integer({ min: 1, max: 99 }) }), {
						selector: r => r.id,
						minLength: 1,
					}),
					async rows => {
						await http.del(`${api}/cart`, { token: alice });
						for (const r of rows) {
							product(r.id, r.price, 99);
							expect((await add(alice, r.id, r.quantity)).status).toBe(200);
						}
						const { body } = await getCart(alice);
						const expected = rows.reduce((sum, r) => sum + BigInt(r.price) * BigInt(r.quantity), 0n);
						expect(BigInt(body.subtotal)).toBe(expected);
						expect(body.itemCount).toBe(rows.reduce((n, r) => n + r.quantity, 0));
						for (const r of rows) expect(body.items.find((i: any) => i.productId === r.id).lineTotal).toBe(r.price * r.quantity);
					},
				),
				{ numRuns: 15 },
			);
		});
	});

	describe("rules", () => {
		it("takes a quantity only as a whole number from 1 to 99", async () => {
			product("mug", 1250);
			for (const quantity of [0, -1, 100, 1.5, "2", null, true]) {
				const res = await add(alice, "mug", quantity as number);
				expect({ quantity, status: res.status }).toEqual({ quantity, status: 422 });
				expect(res.body.data).toEqual([expect.objectContaining({ field: "quantity" })]);
			}
			expect((await http.post(`${api}/cart/items`, { quantity: 1 }, { token: alice })).status).toBe(422);
			expect((await getCart(alice)).body.items).toEqual([]);
		});

		it("answers 404 for a product the catalog does not have", async () => {
			const res = await add(alice, "no-such-product", 1);
			expect(res.status).toBe(404);
			expect(res.body.code).toBe(404);
		});

		it("refuses more than is available with 409, counting what is already in the cart", async () => {
			product("mug", 1250, 5);
			expect((await add(alice, "mug", 3)).status).toBe(200);
			const res = await add(alice, "mug", 3);
			expect(res.status).toBe(409);
			expect(res.body).toMatchObject({ code: 409, type: "OUT_OF_STOCK", data: { lines: [{ productId: "mug", requested: 6, available: 5 }] } });
			expect((await getCart(alice)).body.items[0].quantity).toBe(3);
		});

		it("never lets a line pass 99, however it is added up", async () => {
			product("mug", 1250, 1000);
			await add(alice, "mug", 60);
			const res = await add(alice, "mug", 40);
			expect(res.status).toBe(409);
			expect(res.body.type).toBe("QUANTITY_LIMIT");
			expect((await getCart(alice)).body.items[0].quantity).toBe(60);
		});

		it("holds at most 100 different products, and says so with 409", async () => {
			const meta = { user: { id: "user-alice", email: "alice@example.com", role: "customer" } };
			for (let i = 0; i < 100; i++) {
				product(`p${i}`, 100);
				await broker.call("cart.addItem", { productId: `p${i}`, quantity: 1 }, { meta });
			}
			product("one-too-many", 100);
			const res = await add(alice, "one-too-many", 1);
			expect(res.status).toBe(409);
			expect(res.body.type).toBe("CART_FULL");
			expect((await add(alice, "p0", 1)).status).toBe(200);
			expect((await getCart(alice)).body.itemCount).toBe(101);
		});

		it("counts every one of many adds made at once", async () => {
			product("mug", 1250, 99);
			// Straight to the action, so that the adds really overlap (HTTP parsing staggers them).
			const meta = { user: { id: "user-alice", email: "alice@example.com", role: "customer" } };
			const adds = Array.from({ length: 10 }, () => broker.call("cart.addItem", { productId: "mug", quantity: 1 }, { meta }));
			expect(await Promise.allSettled(adds)).toEqual(Array(10).fill(expect.objectContaining({ status: "fulfilled" })));
			expect((await getCart(alice)).body.items[0].quantity).toBe(10);
		});

		it("sets a quantity with PUT, and removes the line at 0", async () => {
			product("mug", 1250, 10);
			product("tee", 1999, 10);
			await add(alice, "mug", 1);
			await add(alice, "tee", 1);
			const set = await http.put(`${api}/cart/items/mug`, { quantity: 7 }, { token: alice });
			expect(set.status).toBe(200);
			expect(set.body.items).toEqual([expect.objectContaining({ productId: "mug", quantity: 7, lineTotal: 8750 }), expect.objectContaining({ productId: "tee" })]);
			expect((await http.put(`${api}/cart/items/mug`, { quantity: 11 }, { token: alice })).status).toBe(409);
			const removed = await http.put(`${api}/cart/items/mug`, { quantity: 0 }, { token: alice });
			expect(removed.status).toBe(200);
			expect(removed.body.items.map((i: any) => i.productId)).toEqual(["tee"]);
		});

		it("removes one line with DELETE, and empties the cart with DELETE /cart", async () => {
			product("mug", 1250);
			product("tee", 1999);
			await add(alice, "mug", 1);
			await add(alice, "tee", 2);
			const one = await http.del(`${api}/cart/items/mug`, { token: alice });
			expect(one.status).toBe(200);
			expect(one.body).toMatchObject({ itemCount: 2, subtotal: 3998 });
			expect((await http.del(`${api}/cart/items/mug`, { token: alice })).status).toBe(200);
			const all = await http.del(`${api}/cart`, { token: alice });
			expect(all.status).toBe(200);
			expect(all.body).toEqual({ items: [], itemCount: 0, subtotal: 0, currency: "USD" });
		});

		it("flags a line whose product is gone or short, instead of failing", async () => {
			product("mug", 1250, 10);
			product("tee", 1999, 10);
			await add(alice, "mug", 2);
			await add(alice, "tee", 4);
			catalog.delete("mug");
			stock.set("tee", 3);
			const res = await getCart(alice);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				items: [
					{ productId: "mug", name: null, unitPrice: null, quantity: 2, lineTotal: null, available: 0, problem: "product-gone" },
					{ productId: "tee", name: "Product tee", unitPrice: 1999, quantity: 4, lineTotal: 7996, available: 3, problem: "not-enough-stock" },
				],
				itemCount: 4,
				subtotal: 7996,
				currency: "USD",
			});
			// Lowering a short line is allowed; raising it is not.
			expect((await http.put(`${api}/cart/items/tee`, { quantity: 3 }, { token: alice })).body.items[1].problem).toBeUndefined();
			expect((await http.put(`${api}/cart/items/mug`, { quantity: 3 }, { token: alice })).status).toBe(404);
			expect((await http.del(`${api}/cart/items/mug`, { token: alice })).body.items).toHaveLength(1);
		});
	});

	describe("tampering", () => {
		it("refuses prices, totals or an owner in a body, and changes nothing", async () => {
			product("mug", 1250);
			await add(alice, "mug", 1);
			const extras = [{ price: 1 }, { unitPrice: 1 }, { lineTotal: 1 }, { subtotal: 1 }, { currency: "EUR", name: "Free mug" }, { userId: "user-bob" }, { cartId: "x" }];
			for (const extra of extras) {
				const post = await http.post(`${api}/cart/items`, { productId: "mug", quantity: 1, ...extra }, { token: alice });
				const put = await http.put(`${api}/cart/items/mug`, { quantity: 5, ...extra }, { token: alice });
				expect({ extra, post: post.status, put: put.status }).toEqual({ extra, post: 422, put: 422 });
			}
			expect((await http.del(`${api}/cart/items/mug?userId=user-bob`, { token: alice })).status).toBe(422);
			expect((await getCart(alice, "?userId=user-bob")).status).toBe(422);

			expect((await getCart(alice)).body).toMatchObject({ items: [{ productId: "mug", unitPrice: 1250, quantity: 1, lineTotal: 1250 }], subtotal: 1250 });
			expect((await getCart(bob)).body.items).toEqual([]);
		});
	});

	describe("ownership", () => {
		it("gives each signed-in user their own cart, and nobody else's", async () => {
			product("mug", 1250);
			product("tee", 1999);
			await add(alice, "mug", 2);
			await add(bob, "tee", 1);
			expect((await getCart(alice)).body.items.map((i: any) => i.productId)).toEqual(["mug"]);
			expect((await getCart(bob)).body.items.map((i: any) => i.productId)).toEqual(["tee"]);
			await http.del(`${api}/cart`, { token: bob });
			expect((await getCart(alice)).body.items).toHaveLength(1);
		});

		it("never opens a guest cart for a user who sends its id, nor a user's cart for a guest", async () => {
			product("mug", 1250);
			const guest = await http.post(`${api}/cart/items`, { productId: "mug", quantity: 3 });
			const cartId = guest.headers.get("x-cart-id")!;
			const asBob = await getCart(bob, "");
			expect(asBob.body.items).toEqual([]);
			const bobWithHeader = await http.get(`${api}/cart`, { token: bob, headers: { "x-cart-id": cartId } });
			expect(bobWithHeader.body.items).toEqual([]);
			expect(bobWithHeader.headers.get("x-cart-id")).toBeNull();
			await add(alice, "mug", 1);
			for (const name of ["user-alice", "u:user-alice", "g:user-alice"]) {
				const res = await http.get(`${api}/cart`, { headers: { "x-cart-id": name } });
				expect(res.body.items).toEqual([]);
				expect(res.headers.get("x-cart-id")).not.toBe(name);
			}
		});

		it("opens no guest cart by guessing its id", async () => {
			product("mug", 1250);
			const guest = await http.post(`${api}/cart/items`, { productId: "mug", quantity: 3 });
			const real = guest.headers.get("x-cart-id")!;
			const guesses = [
				...Array.from({ length: 30 }, () => Buffer.from(Array.from({ length: 24 }, () => Math.floor(Math.random() * 256))).toString("base64url")),
				// Neighbours of the real id: one character changed, at either end.
				`${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`,
				`${real.startsWith("A") ? "B" : "A"}${real.slice(1)}`,
				real.toLowerCase() === real ? real.toUpperCase() : real.toLowerCase(),
			];
			for (const guess of guesses) {
				const res = await http.get(`${api}/cart`, { headers: { "x-cart-id": guess } });
				expect(res.body.items).toEqual([]);
				expect(res.headers.get("x-cart-id")).not.toBe(guess);
			}
			expect((await http.get(`${api}/cart`, { headers: { "x-cart-id": real } })).body.items).toHaveLength(1);
		});
	});

	describe("guest carts", () => {
		const guestGet = (cartId?: string | null) => http.get(`${api}/cart`, { headers: cartId ? { "x-cart-id": cartId } : {} });

		it("creates a cart on the first call and names it in X-Cart-Id", async () => {
			product("mug", 1250);
			const first = await guestGet();
			expect(first.status).toBe(200);
			expect(first.body).toEqual({ items: [], itemCount: 0, subtotal: 0, currency: "USD" });
			const cartId = first.headers.get("x-cart-id")!;
			expect(cartId).toMatch(/^[A-Za-z0-9_-]{32}$/);

			const added = await http.post(`${api}/cart/items`, { productId: "mug", quantity: 2 }, { headers: { "x-cart-id": cartId } });
			expect(added.status).toBe(200);
			expect(added.headers.get("x-cart-id")).toBe(cartId);
			expect((await guestGet(cartId)).body).toMatchObject({ itemCount: 2, subtotal: 2500 });
			expect((await guestGet()).headers.get("x-cart-id")).not.toBe(cartId);
		});

		it("answers an unknown or malformed id with a fresh cart and a new id", async () => {
			for (const sent of ["A".repeat(32), "not-a-cart-id", "x".repeat(200)]) {
				const res = await guestGet(sent);
				expect(res.status).toBe(200);
				expect(res.body.items).toEqual([]);
				expect(res.headers.get("x-cart-id")).toMatch(/^[A-Za-z0-9_-]{32}$/);
				expect(res.headers.get("x-cart-id")).not.toBe(sent);
			}
		});

		it("keeps a guest cart while it is used, and forgets it after 30 days unused", async () => {
			product("mug", 1250);
			const cartId = (await http.post(`${api}/cart/items`, { productId: "mug", quantity: 1 })).headers.get("x-cart-id")!;
			clock += 29 * DAY;
			expect((await guestGet(cartId)).body.itemCount).toBe(1);
			clock += 29 * DAY; // 58 days after it was made, 29 after its last use
			expect((await guestGet(cartId)).body.itemCount).toBe(1);
			clock += 30 * DAY + 1;
			const expired = await guestGet(cartId);
			expect(expired.body.items).toEqual([]);
			expect(expired.headers.get("x-cart-id")).not.toBe(cartId);
		});

		it("forgets an empty guest cart after a day", async () => {
			const cartId = (await guestGet()).headers.get("x-cart-id")!;
			clock += DAY / 2;
			expect((await guestGet(cartId)).headers.get("x-cart-id")).toBe(cartId);
			clock += DAY + 1;
			expect((await guestGet(cartId)).headers.get("x-cart-id")).not.toBe(cartId);
		});

		it("removes forgotten guest carts from the store", async () => {
			product("mug", 1250);
			await add(alice, "mug", 1);
			const cartId = (await http.post(`${api}/cart/items`, { productId: "mug", quantity: 1 })).headers.get("x-cart-id")!;
			if (kind === "redis") {
				// Redis forgets it by itself: the guest cart's key lives 30 days from its last write, a user's cart for ever.
				const redis = new Redis(stores.store!);
				try {
					const prefix = cartKeyPrefix(stores.namespace);
					const guestTtl = await redis.pttl(`${prefix}${guestKey(cartId)}`);
					expect(guestTtl).toBeGreaterThan(30 * DAY - 60_000);
					expect(guestTtl).toBeLessThanOrEqual(30 * DAY);
					expect(await redis.pttl(`${prefix}u:user-alice`)).toBe(-1);
				} finally {
					redis.disconnect();
				}
				return;
			}
			clock += 31 * DAY;
			expect(await cartService().sweepExpired()).toBeGreaterThan(0);
			expect(await cartService().carts.read(guestKey(cartId))).toBeNull();
			expect(await cartService().carts.read("u:user-alice")).not.toBeNull();
		});
	});

	describe("when a service is missing", () => {
		it("shows prices in the base currency when currency is down", async () => {
			product("mug", 1999);
			await add(alice, "mug", 1);
			await broker.destroyService(broker.getLocalService("currency")!);
			try {
				const res = await getCart(alice, "?currency=EUR");
				expect(res.status).toBe(200);
				expect(res.body).toMatchObject({ currency: "USD", subtotal: 1999 });
			} finally {
				broker.createService(CurrencyService as unknown as ServiceSchema);
				await broker.waitForServices("currency", 2_000, 10);
			}
		});
	});
});
