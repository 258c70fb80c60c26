// The REST contract (/work/shared/api-contract.md), end to end over HTTP with every service of the
// shop in one process: accounts (register, login, me, the configured admin) and carts (the
// signed-in user's, guest carts by X-Cart-Id, and their merge at register and login).
import type { ServiceBroker } from "moleculer";
import { convertMinor } from "../../services/currency/convert";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { CHEAP_PASSWORD_COST, everyService } from "../support/shop";
import { expectError, expectInvalid } from "../support/contract";
import { http } from "../support/http";

const ADMIN = { email: "owner@shop.test", password: "owner-password-0123" };

const SERVICES = everyService({ users: { settings: { adminEmail: ADMIN.email, adminPassword: ADMIN.password, passwordCost: CHEAP_PASSWORD_COST } } });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const USER_FIELDS = ["createdAt", "email", "id", "name", "role"];
const EMPTY_CART = { items: [], itemCount: 0, subtotal: 0, currency: "USD" };

/** The contract's `cart`: lines priced by the catalog, integer cents, totals that add up. */
function expectCart(cart: any, currency = "USD"): void {
	expect(cart).toEqual(expect.objectContaining({ items: expect.any(Array), itemCount: expect.any(Number), subtotal: expect.any(Number), currency }));
	let subtotal = 0;
	for (const line of cart.items) {
		expect(line).toEqual(
			expect.objectContaining({ productId: expect.any(String), name: expect.any(String), unitPrice: expect.any(Number), quantity: expect.any(Number), lineTotal: expect.any(Number) }),
		);
		expect(Number.isInteger(line.unitPrice)).toBe(true);
		expect(line.lineTotal).toBe(line.unitPrice * line.quantity);
		subtotal += line.lineTotal;
	}
	expect(cart.subtotal).toBe(subtotal);
	expect(cart.itemCount).toBe(cart.items.reduce((n: number, l: any) => n + l.quantity, 0));
}

describe("contract: accounts and carts", () => {
	let broker: ServiceBroker;
	let api: string;
	let catalog: any[];
	let seq = 0;

	const newAccount = () => ({ email: `shopper${++seq}.${Date.now()}@example.com`, password: `long enough ${seq}`, name: `Shopper ${seq}` });
	async function register(headers?: Record<string, string>) {
		const account = newAccount();
		const res = await http.post(`${api}/auth/register`, account, { headers });
		expect(res.status).toBe(201);
		return { ...account, id: res.body.user.id as string, token: res.body.token as string };
	}
	const line = (cart: any, productId: string) => cart.items.find((l: any) => l.productId === productId);

	beforeAll(async () => {
		broker = await startBroker(SERVICES);
		api = `${gatewayUrl(broker)}/api`;
		catalog = (await http.get(`${api}/products?pageSize=100`)).body.rows;
	});
	afterAll(() => broker.stop());

	/** Products with room to buy several, each test its own so none depends on another's stock. */
	let nextProduct = 0;
	const plenty = () => catalog.filter(p => p.available >= 10)[nextProduct++];

	describe("accounts", () => {
		it("POST /api/auth/register answers 201 { user, token } with a customer and nothing secret", async () => {
			const account = newAccount();
			const res = await http.post(`${api}/auth/register`, account);
			expect(res.status).toBe(201);
			expect(Object.keys(res.body).sort()).toEqual(["token", "user"]);
			expect(Object.keys(res.body.user).sort()).toEqual(USER_FIELDS);
			expect(res.body.user).toEqual({ id: expect.any(String), email: account.email, name: account.name, role: "customer", createdAt: expect.stringMatching(ISO) });
			expect(res.body.token.split(".")).toHaveLength(3);
			expect(JSON.stringify(res.body)).not.toContain(account.password);
			expect(JSON.stringify(res.body)).not.toMatch(/hash|password/i);
		});

		it("POST /api/auth/login answers 200 { user, token }; GET /api/auth/me answers the user", async () => {
			const account = await register();
			const login = await http.post(`${api}/auth/login`, { email: account.email, password: account.password });
			expect(login.status).toBe(200);
			expect(Object.keys(login.body).sort()).toEqual(["token", "user"]);
			expect(login.body.user).toMatchObject({ id: account.id, email: account.email, role: "customer" });

			const me = await http.get(`${api}/auth/me`, { token: login.body.token });
			expect(me.status).toBe(200);
			expect(Object.keys(me.body).sort()).toEqual(USER_FIELDS);
			expect(me.body).toEqual(login.body.user);
		});

		it("a role sent at registration never reaches storage: the user is a customer", async () => {
			const account = newAccount();
			const res = await http.post(`${api}/auth/register`, { ...account, role: "admin" });
			expect([201, 422]).toContain(res.status);
			if (res.status === 201) expect(res.body.user.role).toBe("customer");
			else expectInvalid(res, "role");
			const login = await http.post(`${api}/auth/login`, { email: account.email, password: account.password });
			if (login.status === 200) {
				expect(login.body.user.role).toBe("customer");
				expectError(await http.get(`${api}/payments`, { token: login.body.token }), 403);
			} else expectError(login, 401);
		});

		it("409 for an email already taken, whatever its case", async () => {
			const account = await register();
			expectError(await http.post(`${api}/auth/register`, { ...newAccount(), email: account.email }), 409);
			expectError(await http.post(`${api}/auth/register`, { ...newAccount(), email: account.email.toUpperCase() }), 409);
		});

		it("422 naming the field: password under 8 characters, bad email, missing name", async () => {
			expectInvalid(await http.post(`${api}/auth/register`, { ...newAccount(), password: "1234567" }), "password");
			expectInvalid(await http.post(`${api}/auth/register`, { ...newAccount(), email: "not-an-email" }), "email");
			const { name: _name, ...nameless } = newAccount();
			expectInvalid(await http.post(`${api}/auth/register`, nameless), "name");
		});

		it("401 with the same answer for a wrong password and an unknown email", async () => {
			const account = await register();
			const wrong = await http.post(`${api}/auth/login`, { email: account.email, password: "not the password" });
			const unknown = await http.post(`${api}/auth/login`, { email: `nobody.${Date.now()}@example.com`, password: "not the password" });
			expectError(wrong, 401);
			expectError(unknown, 401);
			expect(unknown.body).toEqual(wrong.body);
		});

		it("GET /api/auth/me is 401 without a token or with a bad one", async () => {
			expectError(await http.get(`${api}/auth/me`), 401);
			expectError(await http.get(`${api}/auth/me`, { token: "not.a.token" }), 401);
		});

		it("the first admin comes from configuration and signs in as an admin", async () => {
			const res = await http.post(`${api}/auth/login`, ADMIN);
			expect(res.status).toBe(200);
			expect(res.body.user).toMatchObject({ email: ADMIN.email, role: "admin" });
			expect((await http.get(`${api}/payments`, { token: res.body.token })).status).toBe(200);
		});
	});

	describe("the signed-in user's cart", () => {
		it("GET /api/cart starts empty", async () => {
			const { token } = await register();
			const res = await http.get(`${api}/cart`, { token });
			expect(res.status).toBe(200);
			expect(res.body).toEqual(expect.objectContaining(EMPTY_CART));
		});

		it("POST /api/cart/items adds to the quantity already there, priced by the catalog", async () => {
			const { token } = await register();
			const p = plenty();
			const first = await http.post(`${api}/cart/items`, { productId: p.id, quantity: 2 }, { token });
			expect(first.status).toBe(200);
			expectCart(first.body);
			const second = await http.post(`${api}/cart/items`, { productId: p.id, quantity: 3 }, { token });
			expect(second.status).toBe(200);
			expectCart(second.body);
			expect(second.body.items).toEqual([expect.objectContaining({ productId: p.id, name: p.name, unitPrice: p.price, quantity: 5, lineTotal: 5 * p.price })]);
			expect(second.body).toMatchObject({ itemCount: 5, subtotal: 5 * p.price, currency: "USD" });
			expect((await http.get(`${api}/cart`, { token })).body).toEqual(second.body);
		});

		it("a price sent by the client never reaches the cart", async () => {
			const { token } = await register();
			const p = plenty();
			const res = await http.post(`${api}/cart/items`, { productId: p.id, quantity: 1, unitPrice: 1, price: 1 }, { token });
			expect([200, 422]).toContain(res.status);
			if (res.status === 422) expect(res.body.data.map((d: any) => d.field)).toEqual(expect.arrayContaining(["unitPrice", "price"]));
			const cart = (await http.get(`${api}/cart`, { token })).body;
			expect(cart.items).toHaveLength(res.status === 200 ? 1 : 0);
			for (const l of cart.items) expect(l.unitPrice).toBe(p.price);
		});

		it("the cart shows the catalog's price at the time of reading", async () => {
			const { token } = await register();
			const p = plenty();
			const admin = signToken({ id: "contract-admin", email: "admin@example.com", role: "admin" });
			await http.post(`${api}/cart/items`, { productId: p.id, quantity: 2 }, { token });
			expect((await http.patch(`${api}/products/${p.id}`, { price: p.price + 100 }, { token: admin })).status).toBe(200);
			const cart = (await http.get(`${api}/cart`, { token })).body;
			expect(cart.items).toEqual([expect.objectContaining({ unitPrice: p.price + 100, lineTotal: 2 * (p.price + 100) })]);
			expect(cart.subtotal).toBe(2 * (p.price + 100));
		});

		it("POST /api/cart/items: 404 unknown product, 422 quantity outside 1–99 or not an integer, 409 more than available", async () => {
			const { token } = await register();
			const p = plenty();
			expectError(await http.post(`${api}/cart/items`, { productId: "no-such-product", quantity: 1 }, { token }), 404);
			for (const quantity of [0, 100, 1.5, -1, "two"]) expectInvalid(await http.post(`${api}/cart/items`, { productId: p.id, quantity }, { token }), "quantity");
			const scarce = catalog.find(c => c.available > 0 && c.available < 99);
			const res = await http.post(`${api}/cart/items`, { productId: scarce.id, quantity: scarce.available + 1 }, { token });
			expectError(res, 409);
			expect((await http.get(`${api}/cart`, { token })).body.items).toEqual([]);
		});

		it("PUT /api/cart/items/:productId sets the quantity; 0 removes the line", async () => {
			const { token } = await register();
			const [a, b] = [plenty(), plenty()];
			await http.post(`${api}/cart/items`, { productId: a.id, quantity: 1 }, { token });
			await http.post(`${api}/cart/items`, { productId: b.id, quantity: 1 }, { token });
			const set = await http.put(`${api}/cart/items/${a.id}`, { quantity: 4 }, { token });
			expect(set.status).toBe(200);
			expectCart(set.body);
			expect(line(set.body, a.id).quantity).toBe(4);
			const removed = await http.put(`${api}/cart/items/${a.id}`, { quantity: 0 }, { token });
			expect(removed.status).toBe(200);
			expect(removed.body.items.map((l: any) => l.productId)).toEqual([b.id]);
			expectInvalid(await http.put(`${api}/cart/items/${b.id}`, { quantity: 100 }, { token }), "quantity");
		});

		it("DELETE /api/cart/items/:productId removes a line; DELETE /api/cart empties the cart", async () => {
			const { token } = await register();
			const [a, b] = [plenty(), plenty()];
			await http.post(`${api}/cart/items`, { productId: a.id, quantity: 1 }, { token });
			await http.post(`${api}/cart/items`, { productId: b.id, quantity: 2 }, { token });
			const res = await http.del(`${api}/cart/items/${a.id}`, { token });
			expect(res.status).toBe(200);
			expectCart(res.body);
			expect(res.body.items.map((l: any) => l.productId)).toEqual([b.id]);
			const cleared = await http.del(`${api}/cart`, { token });
			expect(cleared.status).toBe(200);
			expect(cleared.body).toEqual(expect.objectContaining(EMPTY_CART));
			expect((await http.get(`${api}/cart`, { token })).body).toEqual(expect.objectContaining(EMPTY_CART));
		});

		it("GET /api/cart?currency=EUR shows the cart converted, currency set", async () => {
			const { token } = await register();
			const p = plenty();
			await http.post(`${api}/cart/items`, { productId: p.id, quantity: 2 }, { token });
			const res = await http.get(`${api}/cart?currency=EUR`, { token });
			expect(res.status).toBe(200);
			expectCart(res.body, "EUR");
			expect(res.body.items[0].unitPrice).toBe(convertMinor(p.price, "USD", "EUR"));
			expectError(await http.get(`${api}/cart?currency=XYZ`, { token }), 422);
		});

		it("each user sees only their own cart", async () => {
			const [ann, bob] = [await register(), await register()];
			await http.post(`${api}/cart/items`, { productId: plenty().id, quantity: 1 }, { token: ann.token });
			expect((await http.get(`${api}/cart`, { token: bob.token })).body.items).toEqual([]);
		});
	});

	describe("guest carts", () => {
		it("the first call without X-Cart-Id creates a guest cart and names it in the X-Cart-Id response header", async () => {
			const res = await http.get(`${api}/cart`);
			expect(res.status).toBe(200);
			expect(res.body).toEqual(expect.objectContaining(EMPTY_CART));
			const cartId = res.headers.get("x-cart-id");
			expect(cartId).toEqual(expect.any(String));

			const p = plenty();
			const added = await http.post(`${api}/cart/items`, { productId: p.id, quantity: 2 }, { headers: { "x-cart-id": cartId! } });
			expect(added.status).toBe(200);
			expect(added.headers.get("x-cart-id")).toBe(cartId);
			expectCart(added.body);
			expect(added.body.items).toEqual([expect.objectContaining({ productId: p.id, quantity: 2 })]);
			expect((await http.get(`${api}/cart`, { headers: { "x-cart-id": cartId! } })).body).toEqual(added.body);
			// Another visitor does not see it.
			expect((await http.get(`${api}/cart`)).body.items).toEqual([]);
		});

		it("PUT and DELETE work on a guest cart too", async () => {
			const cartId = (await http.get(`${api}/cart`)).headers.get("x-cart-id")!;
			const headers = { "x-cart-id": cartId };
			const [a, b] = [plenty(), plenty()];
			await http.post(`${api}/cart/items`, { productId: a.id, quantity: 1 }, { headers });
			await http.post(`${api}/cart/items`, { productId: b.id, quantity: 1 }, { headers });
			const set = await http.put(`${api}/cart/items/${a.id}`, { quantity: 3 }, { headers });
			expect(set.status).toBe(200);
			expect(line(set.body, a.id).quantity).toBe(3);
			const removed = await http.del(`${api}/cart/items/${b.id}`, { headers });
			expect(removed.status).toBe(200);
			expect(removed.body.items.map((l: any) => l.productId)).toEqual([a.id]);
			const cleared = await http.del(`${api}/cart`, { headers });
			expect(cleared.status).toBe(200);
			expect(cleared.body).toEqual(expect.objectContaining(EMPTY_CART));
		});

		it("POST /api/auth/register with X-Cart-Id takes the guest cart into the new user's cart", async () => {
			const guest = await http.get(`${api}/cart`);
			const cartId = guest.headers.get("x-cart-id")!;
			const p = plenty();
			await http.post(`${api}/cart/items`, { productId: p.id, quantity: 3 }, { headers: { "x-cart-id": cartId } });

			const user = await register({ "x-cart-id": cartId });
			const cart = await http.get(`${api}/cart`, { token: user.token });
			expect(cart.body.items).toEqual([expect.objectContaining({ productId: p.id, quantity: 3, unitPrice: p.price })]);
			expect((await http.get(`${api}/cart`, { headers: { "x-cart-id": cartId } })).body.items).toEqual([]);
		});

		it("POST /api/auth/login with X-Cart-Id adds the guest cart to the user's cart", async () => {
			const user = await register();
			const [a, b] = [plenty(), plenty()];
			await http.post(`${api}/cart/items`, { productId: a.id, quantity: 1 }, { token: user.token });

			const cartId = (await http.get(`${api}/cart`)).headers.get("x-cart-id")!;
			await http.post(`${api}/cart/items`, { productId: a.id, quantity: 2 }, { headers: { "x-cart-id": cartId } });
			await http.post(`${api}/cart/items`, { productId: b.id, quantity: 1 }, { headers: { "x-cart-id": cartId } });

			const login = await http.post(`${api}/auth/login`, { email: user.email, password: user.password }, { headers: { "x-cart-id": cartId } });
			expect(login.status).toBe(200);
			const cart = (await http.get(`${api}/cart`, { token: login.body.token })).body;
			expectCart(cart);
			expect(line(cart, a.id).quantity).toBe(3);
			expect(line(cart, b.id).quantity).toBe(1);
		});
	});
});
