// The REST contract (/work/shared/api-contract.md), end to end over HTTP with every service of the
// shop in one process: the one error shape and each status the contract names (400, 401, 403,
// 404, 413, 422, 429, 503 with Retry-After), and what degrades rather than fails when one
// service is down. "Down" here is a service (or one action) whose every call fails as unreachable
// (an outage middleware); the last tests remove a service from the node altogether.
import type { ServiceBroker } from "moleculer";
import { shopServices } from "../../services/api/routes";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { createOutage, everyService } from "../support/shop";
import { expectError } from "../support/contract";
import { http, request, type JsonResponse } from "../support/http";

const { down, middleware: Outage } = createOutage();

const SERVICES = everyService({ orders: { settings: { sweepIntervalMs: 100, relayRetryMs: 200 } } });

const admin = signToken({ id: "contract-admin", email: "admin@example.com", role: "admin" });
const ADDRESS = { name: "Ann Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };

/** The contract's one error shape: { name, message, code, type, data }, the status mirrored in `code`, JSON, no internals. */

describe("contract: errors and degraded service", () => {
	let broker: ServiceBroker;
	let base: string;
	let api: string;
	let catalog: any[];
	let seq = 0;

	async function register() {
		const account = { email: `err${++seq}.${Date.now()}@example.com`, password: `long enough ${seq}`, name: `Err ${seq}` };
		const res = await http.post(`${api}/auth/register`, account);
		expect(res.status).toBe(201);
		return { ...account, id: res.body.user.id as string, token: res.body.token as string };
	}
	let nextProduct = 0;
	const fresh = () => catalog.filter(p => p.available >= 5)[nextProduct++];
	const stockOf = async (id: string) => (await http.get(`${api}/inventory/${id}`)).body;

	beforeAll(async () => {
		broker = await startBroker(SERVICES, { middlewares: [Outage] });
		base = gatewayUrl(broker);
		api = `${base}/api`;
		catalog = (await http.get(`${api}/products?pageSize=100`)).body.rows;
	});
	afterAll(() => broker.stop());
	afterEach(() => down.clear());

	describe("the status codes of the contract, in one shape", () => {
		it("400 for malformed JSON", async () => {
			const res = await request("POST", `${api}/auth/login`, { rawBody: '{"email": "a@b.c", ' });
			expectError(res, 400);
		});

		it("413 for a body that is too large", async () => {
			const res = await http.post(`${api}/auth/login`, { email: "a@b.c", password: "x".repeat(2 * 1024 * 1024) });
			expectError(res, 413);
		});

		it("401 for a bad or expired token, even on a public route", async () => {
			expectError(await http.get(`${api}/products`, { token: "not-a-jwt" }), 401);
			const expired = signToken({ id: "u1", email: "u1@example.com", role: "customer" }, new Date(Date.now() - 24 * 60 * 60_000));
			expectError(await http.get(`${api}/auth/me`, { token: expired }), 401);
			const forged = signToken({ id: "u1", email: "u1@example.com", role: "admin" }).slice(0, -4) + "AAAA";
			expectError(await http.get(`${api}/payments`, { token: forged }), 401);
		});

		it("403 for a customer on an admin route", async () => {
			const customer = signToken({ id: "u2", email: "u2@example.com", role: "customer" });
			expectError(await http.put(`${api}/inventory/${catalog[0].id}`, { onHand: 1 }, { token: customer }), 403);
		});

		it("404 for a path the contract does not have, and no internal action is reachable", async () => {
			expectError(await http.get(`${api}/no-such-route`), 404);
			expectError(await http.get(`${api}/~node/list`), 404);
			expectError(await http.post(`${api}/payments/charge`, { orderId: "x", amount: 1, currency: "USD", card: CARD }, { token: admin }), 404);
		});

		it("422 lists every offending field as { field, message }", async () => {
			const res = await http.post(`${api}/auth/register`, { email: "nope", password: "short" });
			expectError(res, 422);
			expect(res.body.name).toBe("ValidationError");
			expect(res.body.type).toBe("VALIDATION_ERROR");
			const fields = res.body.data.map((d: any) => d.field);
			expect(fields).toEqual(expect.arrayContaining(["email", "password", "name"]));
			for (const d of res.body.data) expect(d).toEqual(expect.objectContaining({ field: expect.any(String), message: expect.any(String) }));
		});

		it("422 for an unknown field in a body names that field", async () => {
			const user = await register();
			const res = await http.post(`${api}/cart/items`, { productId: catalog[0].id, quantity: 1, owner: "someone-else" }, { token: user.token });
			expectError(res, 422);
			expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field: "owner", message: expect.any(String) })]));
		});

		it("429 with Retry-After after too many failed sign-ins", async () => {
			const user = await register();
			let res: JsonResponse | undefined;
			for (let i = 0; i < 10; i++) {
				res = await http.post(`${api}/auth/login`, { email: user.email, password: "wrong password" });
				if (res.status === 429) break;
				expectError(res, 401);
			}
			expectError(res!, 429);
			expect(Number(res!.headers.get("retry-after"))).toBeGreaterThan(0);
		});
	});

	describe("503 with Retry-After when a service the request needs is down", () => {
		it("adding to a cart while inventory is down", async () => {
			const user = await register();
			down.add("inventory");
			const res = await http.post(`${api}/cart/items`, { productId: catalog[0].id, quantity: 1 }, { token: user.token });
			expectError(res, 503);
			expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
		});

		it.each(["cart", "products", "inventory", "payments", "shipping", "shipping.create"])(
			"checkout while %s is down: nothing charged, no stock held; it works once it is back",
			async outage => {
				const user = await register();
				const p = fresh();
				const before = await stockOf(p.id);
				await http.post(`${api}/cart/items`, { productId: p.id, quantity: 1 }, { token: user.token });
				down.add(outage);
				const res = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: user.token });
				expectError(res, 503);
				expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
				down.clear();
				expect(await stockOf(p.id)).toEqual(before);
				const orders = (await http.get(`${api}/orders`, { token: user.token })).body as any[];
				for (const o of orders) expect((await http.get(`${api}/payments?orderId=${o.id}`, { token: admin })).body.filter((c: any) => c.status === "charged")).toEqual([]);

				const again = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: user.token });
				expect(again.status).toBe(201);
			},
		);

		it.each([
			["products", "GET", "/products"],
			["cart", "GET", "/cart"],
			["users", "POST", "/auth/login"],
			["orders", "GET", "/orders"],
			["payments", "GET", "/payments"],
			["notifications", "GET", "/notifications"],
			["shipping", "POST", "/shipping/quote"],
		])("%s down: %s %s answers 503 with Retry-After", async (service, method, path) => {
			down.add(service);
			const body = method === "POST" ? (path === "/auth/login" ? { email: "a@example.com", password: "whatever123" } : { country: "US", items: [{ productId: "p", quantity: 1 }] }) : undefined;
			const res = await request(method, `${api}${path}`, { token: admin, body });
			expectError(res, 503);
			expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
		});

		it("a route that does not need the stopped service answers as usual", async () => {
			down.add("payments");
			expect((await http.get(`${api}/products/${catalog[0].id}`)).status).toBe(200);
			expect((await http.get(`${api}/categories`)).status).toBe(200);
			expect((await http.post(`${api}/shipping/quote`, { country: "US", items: [{ productId: catalog[0].id, quantity: 1 }] })).status).toBe(200);
			const user = await register();
			expect((await http.post(`${api}/cart/items`, { productId: fresh().id, quantity: 1 }, { token: user.token })).status).toBe(200);
		});
	});

	describe("with any one service down, every route that does not need it answers as usual", () => {
		let shopper: Awaited<ReturnType<typeof register>>;
		let orderId: string;
		let productId: string;

		beforeAll(async () => {
			shopper = await register();
			productId = fresh().id;
			await http.post(`${api}/cart/items`, { productId, quantity: 1 }, { token: shopper.token });
			orderId = (await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: shopper.token })).body.id;
			await http.post(`${api}/cart/items`, { productId, quantity: 1 }, { token: shopper.token });
		});

		/** Each route and the services its job needs (recommendations are optional everywhere). */
		const routes: { method: string; path: () => string; needs: string[]; as?: "admin"; body?: () => object }[] = [
			{ method: "GET", path: () => "/health", needs: [] },
			{ method: "GET", path: () => "/ops/cluster", needs: [], as: "admin" },
			{ method: "GET", path: () => "/products", needs: ["products"] },
			{ method: "GET", path: () => `/products/${productId}`, needs: ["products"] },
			{ method: "GET", path: () => "/categories", needs: ["products"] },
			{ method: "GET", path: () => `/products/${productId}/recommendations`, needs: [] },
			{ method: "GET", path: () => `/inventory/${productId}`, needs: ["inventory"] },
			{ method: "GET", path: () => "/cart", needs: ["cart", "products"] },
			{ method: "PUT", path: () => `/cart/items/${productId}`, needs: ["cart", "products"], body: () => ({ quantity: 1 }) },
			{ method: "POST", path: () => "/shipping/quote", needs: ["shipping"], body: () => ({ country: "US", items: [{ productId, quantity: 1 }] }) },
			{ method: "GET", path: () => "/currencies", needs: ["currency"] },
			{ method: "POST", path: () => "/auth/login", needs: ["users"], body: () => ({ email: shopper.email, password: shopper.password }) },
			{ method: "GET", path: () => "/auth/me", needs: ["users"] },
			{ method: "GET", path: () => "/orders", needs: ["orders"] },
			{ method: "GET", path: () => `/orders/${orderId}`, needs: ["orders"] },
			{ method: "GET", path: () => "/payments", needs: ["payments"], as: "admin" },
			{ method: "GET", path: () => "/notifications", needs: ["notifications"] },
		];

		it.each(shopServices.map(s => [s]))("%s down", async service => {
			down.add(service);
			const answers: string[] = [];
			for (const route of routes.filter(r => !r.needs.includes(service))) {
				const res = await request(route.method, `${api}${route.path()}`, { token: route.as === "admin" ? admin : shopper.token, body: route.body?.() });
				answers.push(`${route.method} ${route.path()} ${res.status}`);
			}
			expect(answers.filter(a => !/ 2\d\d$/.test(a))).toEqual([]);
		});

		it.each(["currency", "recommendations"])("checkout needs no %s", async service => {
			const user = await register();
			await http.post(`${api}/cart/items`, { productId: fresh().id, quantity: 1 }, { token: user.token });
			down.add(service);
			expect((await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: user.token })).status).toBe(201);
		});
	});

	describe("optional parts degrade rather than fail", () => {
		it("currency down: prices in the base currency", async () => {
			down.add("currency");
			const p = catalog[0];
			const res = await http.get(`${api}/products/${p.id}?currency=EUR`);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ price: p.price, currency: "USD" });
		});

		it("currency down: the cart in the base currency", async () => {
			const user = await register();
			const p = fresh();
			await http.post(`${api}/cart/items`, { productId: p.id, quantity: 1 }, { token: user.token });
			down.add("currency");
			const res = await http.get(`${api}/cart?currency=EUR`, { token: user.token });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ currency: "USD", subtotal: p.price, items: [expect.objectContaining({ unitPrice: p.price })] });
		});

		it("recommendations down: []", async () => {
			down.add("recommendations");
			const res = await http.get(`${api}/products/${catalog[0].id}/recommendations`);
			expect(res.status).toBe(200);
			expect(res.body).toEqual([]);
		});

		it("notifications down: the order is confirmed, the message follows once it is back", async () => {
			const user = await register();
			await http.post(`${api}/cart/items`, { productId: fresh().id, quantity: 1 }, { token: user.token });
			down.add("notifications");
			const res = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: user.token });
			expect(res.status).toBe(201);
			expect(res.body.status).toBe("confirmed");
			down.clear();
			const deadline = Date.now() + 8_000;
			let notes: any[] = [];
			while (Date.now() < deadline) {
				notes = (await http.get(`${api}/notifications`, { token: user.token })).body;
				if (notes.some(n => n.orderId === res.body.id && n.sentAt)) break;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
			expect(notes).toEqual([expect.objectContaining({ orderId: res.body.id, type: "order.confirmed", sentAt: expect.any(String) })]);
		});
	});

	// Last: they change the node for good (a service gone, the client's rate budget spent).
	describe("readiness and rate limit", () => {
		it("GET /api/health/ready answers 503 with the same shape, naming the missing service down", async () => {
			await broker.destroyService(broker.getLocalService("recommendations")!);
			const res = await http.get(`${api}/health/ready`);
			expect(res.status).toBe(503);
			expect(res.body).toEqual({ status: expect.any(String), services: { ...Object.fromEntries(shopServices.map(name => [name, "up"])), recommendations: "down" } });
			expect(res.body.status).not.toBe("ready");
			expect((await http.get(`${api}/health`)).status).toBe(200);
			expect((await http.get(`${api}/products/${catalog[0].id}/recommendations`)).body).toEqual([]);
		});

		it("429 with Retry-After once a client goes over its request budget", async () => {
			const probe = await http.get(`${api}/health`);
			const remaining = Number(probe.headers.get("x-rate-limit-remaining"));
			expect(Number.isInteger(remaining)).toBe(true);
			let last: JsonResponse | undefined;
			for (let i = 0; i <= remaining; i += 50) {
				const batch = await Promise.all(Array.from({ length: Math.min(50, remaining + 1 - i) }, () => http.get(`${api}/health`)));
				last = batch.find(r => r.status === 429) ?? last;
			}
			expectError(last!, 429);
			expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
		});
	});
});
