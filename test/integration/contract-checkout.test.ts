// The REST contract (/work/shared/api-contract.md), end to end over HTTP with every service of the
// shop in one process: checkout with each test card, Idempotency-Key, orders and their cancel,
// the admin's views of charges and orders, and the shopper's notifications.
import type { ServiceBroker } from "moleculer";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { everyService } from "../support/shop";
import { expectError, expectInvalid } from "../support/contract";
import { http } from "../support/http";

/** Moves the shipping clock on, so that a parcel ships without waiting a minute. */
let shippingClockOffset = 0;

const SERVICES = everyService({
	shipping: { settings: { sweepIntervalMs: 50 }, methods: { now: () => Date.now() + shippingClockOffset } },
});

const admin = signToken({ id: "contract-admin", email: "admin@example.com", role: "admin" });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ADDRESS = { name: "Ann Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED = { ...CARD, cardNumber: "4000000000000002" };
const NO_FUNDS = { ...CARD, cardNumber: "4000000000009995" };
const NOT_LUHN = { ...CARD, cardNumber: "4242424242424241" };
const OTHER_VALID = { ...CARD, cardNumber: "5555555555554444" };
const ORDER_FIELDS = ["createdAt", "currency", "id", "items", "payment", "shipment", "shippingAddress", "shippingCost", "status", "subtotal", "total", "updatedAt", "userId"];
const STATUSES = ["pending", "confirmed", "cancelled", "failed", "shipped", "delivered"];
const NOTIFICATION_TYPES = ["order.confirmed", "order.cancelled", "order.shipped", "order.delivered"];

/** The contract's `order`, exactly: ids strings, money integer cents, ISO times, no card but its last 4. */
function expectOrder(order: any): void {
	expect(Object.keys(order).sort()).toEqual(ORDER_FIELDS);
	expect(order).toEqual({
		id: expect.any(String),
		userId: expect.any(String),
		status: expect.any(String),
		items: expect.any(Array),
		subtotal: expect.any(Number),
		shippingCost: expect.any(Number),
		total: expect.any(Number),
		currency: "USD",
		shippingAddress: ADDRESS,
		payment: { last4: expect.stringMatching(/^\d{4}$/), status: expect.any(String) },
		shipment: { carrier: expect.any(String), trackingId: expect.any(String), status: expect.any(String) },
		createdAt: expect.stringMatching(ISO),
		updatedAt: expect.stringMatching(ISO),
	});
	expect(STATUSES).toContain(order.status);
	for (const item of order.items) {
		expect(Object.keys(item).sort()).toEqual(["lineTotal", "name", "productId", "quantity", "unitPrice"]);
		expect(Number.isInteger(item.unitPrice) && item.lineTotal === item.unitPrice * item.quantity).toBe(true);
	}
	expect(order.subtotal).toBe(order.items.reduce((s: number, i: any) => s + i.lineTotal, 0));
	expect(Number.isInteger(order.shippingCost)).toBe(true);
	expect(order.total).toBe(order.subtotal + order.shippingCost);
}

describe("contract: checkout, orders, payments, notifications", () => {
	let broker: ServiceBroker;
	let api: string;
	let catalog: any[];
	let seq = 0;

	async function register() {
		const account = { email: `buyer${++seq}.${Date.now()}@example.com`, password: `long enough ${seq}`, name: `Buyer ${seq}` };
		const res = await http.post(`${api}/auth/register`, account);
		expect(res.status).toBe(201);
		return { id: res.body.user.id as string, token: res.body.token as string };
	}
	/** A product no other test touches, with at least `min` in stock. */
	let nextProduct = 0;
	const fresh = (min = 5) => {
		const left = catalog.slice(nextProduct).filter(p => p.available >= min);
		nextProduct = catalog.indexOf(left[0]) + 1;
		return left[0];
	};
	const stockOf = async (id: string) => (await http.get(`${api}/inventory/${id}`)).body;
	const charges = async (orderId?: string) => (await http.get(`${api}/payments${orderId ? `?orderId=${orderId}` : ""}`, { token: admin })).body as any[];
	const add = (token: string, productId: string, quantity: number) => http.post(`${api}/cart/items`, { productId, quantity }, { token });
	const checkout = (token: string, payment: object = CARD, key?: string, extra: object = {}) =>
		http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment, ...extra }, { token, headers: key ? { "idempotency-key": key } : {} });
	const notificationsOf = async (token: string) => (await http.get(`${api}/notifications`, { token })).body as any[];

	/** A shopper with one confirmed order of `quantity` of a fresh product. */
	async function bought(quantity = 2) {
		const user = await register();
		const product = fresh(quantity + 2);
		expect((await add(user.token, product.id, quantity)).status).toBe(200);
		const res = await checkout(user.token);
		expect(res.status).toBe(201);
		return { user, product, order: res.body };
	}

	beforeAll(async () => {
		broker = await startBroker(SERVICES);
		api = `${gatewayUrl(broker)}/api`;
		catalog = (await http.get(`${api}/products?pageSize=100&sort=-price`)).body.rows;
	});
	afterAll(() => broker.stop());

	describe("POST /api/checkout", () => {
		it("201 confirmed order priced by the catalog: stock taken, card charged, shipment created, cart emptied, shopper told", async () => {
			const user = await register();
			const [a, b] = [fresh(), fresh()];
			const before = await stockOf(a.id);
			await add(user.token, a.id, 2);
			await add(user.token, b.id, 1);

			const res = await checkout(user.token);
			expect(res.status).toBe(201);
			expectOrder(res.body);
			const order = res.body;
			expect(order).toMatchObject({ status: "confirmed", userId: user.id, payment: { last4: "4242", status: "charged" } });
			expect(order.items).toEqual([
				{ productId: a.id, name: a.name, unitPrice: a.price, quantity: 2, lineTotal: 2 * a.price },
				{ productId: b.id, name: b.name, unitPrice: b.price, quantity: 1, lineTotal: b.price },
			]);
			const text = JSON.stringify(order);
			expect(text).not.toContain(CARD.cardNumber);
			expect(text).not.toMatch(/cvc/i);

			expect(await stockOf(a.id)).toEqual({ productId: a.id, onHand: before.onHand - 2, reserved: 0, available: before.available - 2 });
			expect(await charges(order.id)).toEqual([expect.objectContaining({ orderId: order.id, amount: order.total, currency: "USD", status: "charged" })]);
			expect((await http.get(`${api}/cart`, { token: user.token })).body.items).toEqual([]);
			const notes = await notificationsOf(user.token);
			expect(notes).toEqual([expect.objectContaining({ type: "order.confirmed", orderId: order.id })]);
			expect((await http.get(`${api}/orders/${order.id}`, { token: user.token })).body).toEqual(order);
		});

		it("any other number that passes the Luhn check succeeds", async () => {
			const user = await register();
			await add(user.token, fresh().id, 1);
			const res = await checkout(user.token, OTHER_VALID);
			expect(res.status).toBe(201);
			expect(res.body.payment).toEqual({ last4: "4444", status: "charged" });
		});

		it.each([
			["4000000000000002 (declined)", DECLINED],
			["4000000000009995 (insufficient funds)", NO_FUNDS],
		])("402 for %s: nothing charged, stock released, cart kept", async (_card, payment) => {
			const user = await register();
			const p = fresh();
			const before = await stockOf(p.id);
			await add(user.token, p.id, 2);
			const res = await checkout(user.token, payment);
			expectError(res, 402);
			expect(JSON.stringify(res.body)).not.toContain(payment.cardNumber);
			expect(await stockOf(p.id)).toEqual(before);
			const mine = (await http.get(`${api}/orders`, { token: user.token })).body as any[];
			for (const o of mine) expect((await charges(o.id)).filter(c => c.status === "charged")).toEqual([]);
			expect((await http.get(`${api}/cart`, { token: user.token })).body.items).toEqual([expect.objectContaining({ productId: p.id, quantity: 2 })]);
		});

		it("422 for a card number that fails the Luhn check, naming the field; nothing held", async () => {
			const user = await register();
			const p = fresh();
			const before = await stockOf(p.id);
			await add(user.token, p.id, 1);
			const res = await checkout(user.token, NOT_LUHN);
			expectError(res, 422);
			expect(res.body.data).toEqual([expect.objectContaining({ field: expect.stringMatching(/cardNumber$/), message: expect.any(String) })]);
			expect(JSON.stringify(res.body)).not.toContain(NOT_LUHN.cardNumber);
			expect(await stockOf(p.id)).toEqual(before);
		});

		it("422 for an empty cart and for an invalid body, naming the fields", async () => {
			const user = await register();
			expectError(await checkout(user.token), 422);
			await add(user.token, fresh().id, 1);
			const { city: _city, ...noCity } = ADDRESS;
			const res = await http.post(`${api}/checkout`, { shippingAddress: noCity, payment: CARD }, { token: user.token });
			expectInvalid(res, "shippingAddress.city");
			expectInvalid(await checkout(user.token, { ...CARD, expMonth: 13 }), "payment.expMonth");
		});

		it("a total, status or price in the body never reaches the order", async () => {
			const user = await register();
			const p = fresh();
			await add(user.token, p.id, 1);
			const res = await checkout(user.token, CARD, undefined, { total: 1, subtotal: 1, status: "delivered", items: [{ productId: p.id, quantity: 1, unitPrice: 1 }] });
			expect([201, 422]).toContain(res.status);
			if (res.status === 422) expect(res.body.data.map((d: any) => d.field)).toEqual(expect.arrayContaining(["total", "status"]));
			const orders = (await http.get(`${api}/orders`, { token: user.token })).body as any[];
			expect(orders).toHaveLength(res.status === 201 ? 1 : 0);
			for (const o of orders) {
				expect(o.status).not.toBe("delivered");
				expect(o.items[0].unitPrice).toBe(p.price);
				expect(o.total).toBeGreaterThan(p.price);
			}
		});

		it("409 when an item is no longer available: nothing charged, no stock held", async () => {
			const user = await register();
			const p = fresh();
			await add(user.token, p.id, 3);
			await http.put(`${api}/inventory/${p.id}`, { onHand: 1 }, { token: admin });
			const res = await checkout(user.token);
			expectError(res, 409);
			expect(await stockOf(p.id)).toEqual({ productId: p.id, onHand: 1, reserved: 0, available: 1 });
			const mine = (await http.get(`${api}/orders`, { token: user.token })).body as any[];
			for (const o of mine) expect((await charges(o.id)).filter(c => c.status === "charged")).toEqual([]);
		});

		it("401 without a token", async () => {
			expectError(await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }), 401);
		});
	});

	describe("Idempotency-Key", () => {
		it("the same key and body answer the same order with the same status: one order, one charge", async () => {
			const user = await register();
			await add(user.token, fresh().id, 1);
			const first = await checkout(user.token, CARD, "key-same-1");
			expect(first.status).toBe(201);
			await add(user.token, fresh().id, 1); // a replay must not take the new cart
			const again = await checkout(user.token, CARD, "key-same-1");
			expect(again.status).toBe(first.status);
			expect(again.body).toEqual(first.body);
			expect((await http.get(`${api}/orders`, { token: user.token })).body).toHaveLength(1);
			expect(await charges(first.body.id)).toHaveLength(1);
		});

		it("the same key with a different body is a 422", async () => {
			const user = await register();
			await add(user.token, fresh().id, 1);
			expect((await checkout(user.token, CARD, "key-diff-1")).status).toBe(201);
			await add(user.token, fresh().id, 1);
			expectError(await checkout(user.token, OTHER_VALID, "key-diff-1"), 422);
			expect((await http.get(`${api}/orders`, { token: user.token })).body).toHaveLength(1);
		});

		it("a replayed decline answers 402 again without a second charge attempt", async () => {
			const user = await register();
			await add(user.token, fresh().id, 1);
			const first = await checkout(user.token, DECLINED, "key-declined-1");
			const again = await checkout(user.token, DECLINED, "key-declined-1");
			expectError(first, 402);
			expectError(again, 402);
			const orders = (await http.get(`${api}/orders`, { token: user.token })).body as any[];
			expect(orders.length).toBeLessThanOrEqual(1);
			for (const o of orders) expect(await charges(o.id)).toHaveLength(1);
		});

		it("a replayed 409 answers 409 again", async () => {
			const user = await register();
			const p = fresh();
			await add(user.token, p.id, 2);
			await http.put(`${api}/inventory/${p.id}`, { onHand: 1 }, { token: admin });
			expectError(await checkout(user.token, CARD, "key-short-1"), 409);
			expectError(await checkout(user.token, CARD, "key-short-1"), 409);
		});

		it("the same key from another user is another checkout", async () => {
			const [ann, bob] = [await register(), await register()];
			await add(ann.token, fresh().id, 1);
			await add(bob.token, fresh().id, 1);
			const a = await checkout(ann.token, CARD, "shared-key");
			const b = await checkout(bob.token, CARD, "shared-key");
			expect([a.status, b.status]).toEqual([201, 201]);
			expect(b.body.id).not.toBe(a.body.id);
			expect(b.body.userId).toBe(bob.id);
		});
	});

	describe("orders", () => {
		it("GET /api/orders lists the caller's own orders, newest first", async () => {
			const user = await register();
			const ids: string[] = [];
			for (let i = 0; i < 2; i++) {
				await add(user.token, fresh().id, 1);
				ids.push((await checkout(user.token)).body.id);
			}
			await bought(); // someone else's
			const res = await http.get(`${api}/orders`, { token: user.token });
			expect(res.status).toBe(200);
			for (const o of res.body) expectOrder(o);
			expect(res.body.map((o: any) => o.id)).toEqual(ids.reverse());
		});

		it("GET /api/orders/:id is 404 for another user's order and for an unknown id; admins see all", async () => {
			const { order } = await bought();
			const other = await register();
			expectError(await http.get(`${api}/orders/${order.id}`, { token: other.token }), 404);
			expectError(await http.get(`${api}/orders/no-such-order`, { token: other.token }), 404);
			const seen = await http.get(`${api}/orders/${order.id}`, { token: admin });
			expect(seen.status).toBe(200);
			expect(seen.body.id).toBe(order.id);
			expectError(await http.get(`${api}/orders/${order.id}`), 401);
		});

		it("GET /api/orders?all=true gives admins every user's orders, newest first; customers a 403", async () => {
			const a = await bought();
			const b = await bought();
			const res = await http.get(`${api}/orders?all=true`, { token: admin });
			expect(res.status).toBe(200);
			const ids = res.body.map((o: any) => o.id);
			expect(ids.indexOf(b.order.id)).toBeLessThan(ids.indexOf(a.order.id));
			expect(ids.indexOf(a.order.id)).toBeGreaterThanOrEqual(0);
			const times = res.body.map((o: any) => o.createdAt);
			expect([...times].sort().reverse()).toEqual(times);
			expectError(await http.get(`${api}/orders?all=true`, { token: a.user.token }), 403);
		});

		it("POST /api/orders/:id/cancel: 200 cancelled, payment refunded, stock back, shopper told", async () => {
			const user = await register();
			const p = fresh();
			const before = await stockOf(p.id);
			await add(user.token, p.id, 2);
			const order = (await checkout(user.token)).body;

			const res = await http.post(`${api}/orders/${order.id}/cancel`, undefined, { token: user.token });
			expect(res.status).toBe(200);
			expectOrder(res.body);
			expect(res.body).toMatchObject({ id: order.id, status: "cancelled", payment: { status: "refunded" } });
			expect(await charges(order.id)).toEqual([expect.objectContaining({ orderId: order.id, amount: order.total, status: "refunded" })]);
			expect(await stockOf(p.id)).toEqual(before);
			await until(async () => (await notificationsOf(user.token)).some(n => n.orderId === order.id && n.type === "order.cancelled"));
		});

		it("POST /api/orders/:id/cancel is 404 for another user's order", async () => {
			const { order } = await bought();
			const other = await register();
			expectError(await http.post(`${api}/orders/${order.id}/cancel`, undefined, { token: other.token }), 404);
			expect((await http.get(`${api}/orders/${order.id}`, { token: admin })).body.status).toBe("confirmed");
		});

		it("POST /api/orders/:id/cancel is 409 once shipped", async () => {
			const { user, order } = await bought();
			shippingClockOffset += 90_000; // past the (default) minute to ship, short of delivery
			await until(async () => (await http.get(`${api}/orders/${order.id}`, { token: user.token })).body.status === "shipped");
			expectError(await http.post(`${api}/orders/${order.id}/cancel`, undefined, { token: user.token }), 409);
			expect(await charges(order.id)).toEqual([expect.objectContaining({ status: "charged" })]);
			await until(async () => (await notificationsOf(user.token)).some(n => n.orderId === order.id && n.type === "order.shipped"));
		});
	});

	describe("payments (admin)", () => {
		it("GET /api/payments lists every charge attempt as { id, orderId, amount, currency, status, createdAt }", async () => {
			const { order } = await bought();
			const declined = await register();
			await add(declined.token, fresh().id, 1);
			expectError(await checkout(declined.token, DECLINED), 402);

			const res = await http.get(`${api}/payments`, { token: admin });
			expect(res.status).toBe(200);
			for (const c of res.body) {
				expect(c).toEqual(
					expect.objectContaining({ id: expect.any(String), orderId: expect.any(String), amount: expect.any(Number), currency: "USD", status: expect.any(String), createdAt: expect.stringMatching(ISO) }),
				);
				expect(Number.isInteger(c.amount)).toBe(true);
				expect(["charged", "declined", "refunded"]).toContain(c.status);
				expect(JSON.stringify(c)).not.toMatch(/4242424242424242|4000000000000002/);
			}
			expect(res.body.map((c: any) => c.orderId)).toContain(order.id);
			expect(res.body.some((c: any) => c.status === "declined")).toBe(true);
		});

		it("?orderId= filters to that order's charges", async () => {
			const { order } = await bought();
			const res = await http.get(`${api}/payments?orderId=${order.id}`, { token: admin });
			expect(res.status).toBe(200);
			expect(res.body).toEqual([expect.objectContaining({ orderId: order.id, amount: order.total, status: "charged" })]);
		});

		it("is 401 without a token and 403 for a customer", async () => {
			const user = await register();
			expectError(await http.get(`${api}/payments`), 401);
			expectError(await http.get(`${api}/payments`, { token: user.token }), 403);
		});
	});

	describe("notifications", () => {
		it("GET /api/notifications answers the caller's own, newest first, sentAt once sent", async () => {
			const { user, order: first } = await bought();
			await add(user.token, fresh().id, 1);
			const second = (await checkout(user.token)).body;
			await bought(); // someone else's

			await until(async () => (await notificationsOf(user.token)).filter(n => n.sentAt).length === 2);
			const res = await http.get(`${api}/notifications`, { token: user.token });
			expect(res.status).toBe(200);
			expect(res.body.map((n: any) => n.orderId)).toEqual([second.id, first.id]);
			for (const n of res.body) {
				expect(n).toEqual(
					expect.objectContaining({ id: expect.any(String), type: "order.confirmed", orderId: expect.any(String), subject: expect.any(String), createdAt: expect.stringMatching(ISO), sentAt: expect.stringMatching(ISO) }),
				);
				expect(NOTIFICATION_TYPES).toContain(n.type);
			}
		});

		it("GET /api/notifications is 401 without a token", async () => {
			expectError(await http.get(`${api}/notifications`), 401);
		});
	});
});

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error("condition not met in time");
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}
