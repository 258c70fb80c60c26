// Checkout and orders through the gateway, with every service of the chain real and in one
// process. A service "down" here is one whose every call fails as unreachable (an outage
// middleware), so its data survives for the books; killing real processes is test/cluster's job.
// The same middleware can hold a call up on its way (a slow network, the shopper meanwhile busy
// in another tab) and let it land later.
import { Errors, type Middleware, type ServiceBroker, type ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CartService from "../../services/cart/cart.service";
import CurrencyService from "../../services/currency/currency.service";
import InventoryService from "../../services/inventory/inventory.service";
import NotificationsService from "../../services/notifications/notifications.service";
import OrdersService from "../../services/orders/orders.service";
import PaymentsService from "../../services/payments/payments.service";
import ProductsService from "../../services/products/products.service";
import ShippingService from "../../services/shipping/shipping.service";
import { call } from "../../lib/call";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { audit } from "../support/orders-books";
import { signToken } from "../../lib/tokens";
import type { AuthUser } from "../../lib/meta";
import type { Order } from "../../services/orders/orders.contract";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { waitFor } from "../support/poll";

const down = new Set<string>();
/** action → what happens before a call of it reaches its service. */
const beforeCall = new Map<string, () => Promise<unknown>>();
/** How the calls held up by `beforeCall` ended, once they reached their service. */
const heldCalls: Promise<{ value?: unknown; error?: unknown }>[] = [];
const Outage: Middleware = {
	name: "Outage",
	localAction(next: (ctx: unknown) => Promise<unknown>, action: { name: string; service?: { name: string } }) {
		return (ctx: unknown) => {
			if (down.has(action.service?.name ?? "")) return Promise.reject(new Errors.ServiceNotAvailableError({ action: action.name, nodeID: "test" }));
			const before = beforeCall.get(action.name);
			if (!before) return next(ctx);
			const landing = before().then(() => next(ctx));
			heldCalls.push(landing.then(value => ({ value }), (error: unknown) => ({ error })));
			return landing;
		};
	},
} as unknown as Middleware;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

let shippingClockOffset = 0;
let ordersClockOffset = 0;
const services = [
	ApiService,
	CurrencyService,
	ProductsService,
	InventoryService,
	CartService,
	PaymentsService,
	NotificationsService,
	{ name: "shipping", mixins: [ShippingService], settings: { sweepIntervalMs: 50 }, methods: { now: () => Date.now() + shippingClockOffset } },
	{ name: "orders", mixins: [OrdersService], settings: { sweepIntervalMs: 100, relayRetryMs: 200 }, methods: { now: () => Date.now() + ordersClockOffset } },
] as ServiceSchema[];

const users: Record<string, AuthUser> = {
	alice: { id: "user-alice", email: "alice@example.com", role: "customer" },
	bob: { id: "user-bob", email: "bob@example.com", role: "customer" },
	admin: { id: "user-admin", email: "admin@example.com", role: "admin" },
};
const token = Object.fromEntries(Object.entries(users).map(([k, u]) => [k, signToken(u)]));

const ADDRESS = { name: "Alice Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED = { ...CARD, cardNumber: "4000000000000002" };
const ORDER_KEYS = ["createdAt", "currency", "id", "items", "payment", "shipment", "shippingAddress", "shippingCost", "status", "subtotal", "total", "updatedAt", "userId"];

const plenty = SEED_PRODUCTS.filter(p => p.initialStock >= 20);
const [P1, P2] = plenty;

describe("checkout and orders", () => {
	let broker: ServiceBroker;
	let api: string;
	const startingStock: Record<string, number> = {};

	const stockOf = async (id: string) => (await http.get(`${api}/inventory/${id}`)).body as { available: number; reserved: number; onHand: number };
	const addToCart = (who: string, productId: string, quantity: number) => http.post(`${api}/cart/items`, { productId, quantity }, { token: token[who] });
	const checkout = (who: string, body: object = { shippingAddress: ADDRESS, payment: CARD }, key?: string) =>
		http.post<Order & { type?: string; data?: unknown }>(`${api}/checkout`, body, { token: token[who], headers: key ? { "idempotency-key": key } : {} });
	const charges = (orderId?: string) => call(broker, "payments.list", orderId ? { orderId } : {}, { meta: { user: users.admin } });
	const allOrders = () => call(broker, "orders.list", { all: true, pageSize: 500 }, { meta: { user: users.admin } });
	const notificationsOf = async (who: string) => (await http.get(`${api}/notifications`, { token: token[who] })).body as { orderId: string; type: string; sentAt: string | null }[];

	beforeAll(async () => {
		broker = await startBroker(services, { middlewares: [Outage] });
		api = `${gatewayUrl(broker)}/api`;
		for (const p of SEED_PRODUCTS) startingStock[p.id] = p.initialStock;
	});
	afterAll(() => broker.stop());

	afterEach(async () => {
		down.clear();
		beforeCall.clear();
		await Promise.all(heldCalls.splice(0));
		// No test leaves an order half done: then the books must balance.
		await waitUntil(async () => (await allOrders()).every(o => o.status !== "pending"), 10_000);
		const stock = await Promise.all(SEED_PRODUCTS.map(p => call(broker, "inventory.get", { productId: p.id })));
		const books = audit({ orders: await allOrders(), charges: await charges(), startingStock, stock });
		expect(books.problems).toEqual([]);
		expect(books.kept).toBe(books.owed);
		await Promise.all(Object.keys(token).map(who => http.del(`${api}/cart`, { token: token[who] })));
	});

	it("turns the cart into a confirmed order priced by the catalog: charged once, stock sold, cart emptied, shopper told", async () => {
		const before = await stockOf(P1.id);
		await addToCart("alice", P1.id, 2);
		await addToCart("alice", P2.id, 1);

		const res = await checkout("alice");
		expect(res.status).toBe(201);
		const order = res.body;
		expect(order).toMatchObject({ status: "confirmed", userId: users.alice.id, currency: "USD", payment: { last4: "4242", status: "charged" }, shippingAddress: ADDRESS });
		expect(order.items).toEqual([
			{ productId: P1.id, name: P1.name, unitPrice: P1.price, quantity: 2, lineTotal: 2 * P1.price },
			{ productId: P2.id, name: P2.name, unitPrice: P2.price, quantity: 1, lineTotal: P2.price },
		]);
		expect(order.subtotal).toBe(2 * P1.price + P2.price);
		expect(order.shippingCost).toBeGreaterThan(0);
		expect(order.total).toBe(order.subtotal + order.shippingCost);
		expect(order.shipment).toMatchObject({ status: "booked", carrier: expect.any(String), trackingId: expect.any(String) });

		expect(await charges(order.id)).toEqual([expect.objectContaining({ amount: order.total, status: "charged" })]);
		expect(await stockOf(P1.id)).toMatchObject({ available: before.available - 2, reserved: 0 });
		expect((await http.get(`${api}/cart`, { token: token.alice })).body.items).toEqual([]);
		// The e-mail goes out just after the answer (checkout-mail-after-answer.test.ts).
		const told = await waitFor(() => notificationsOf("alice"), list => list.some(n => n.sentAt), { what: "the confirmation sent" });
		expect(told).toEqual([expect.objectContaining({ orderId: order.id, type: "order.confirmed", sentAt: expect.any(String) })]);
		expect((await http.get(`${api}/orders/${order.id}`, { token: token.alice })).body).toEqual(order);
	});

	it("answers with exactly the contract's order fields: no card number, no cvc, no email", async () => {
		await addToCart("alice", P1.id, 1);
		const res = await checkout("alice");
		expect(Object.keys(res.body).sort()).toEqual(ORDER_KEYS);
		expect(Object.keys(res.body.payment).sort()).toEqual(["last4", "status"]);
		const text = JSON.stringify(res.body);
		for (const secret of [CARD.cardNumber, `"${CARD.cvc}"`, users.alice.email]) expect(text).not.toContain(secret);
	});

	it("takes no price, total or status from the client: unknown fields are a 422 and no order is made", async () => {
		await addToCart("alice", P1.id, 1);
		const before = (await allOrders()).length;
		for (const extra of [{ total: 1 }, { status: "confirmed" }, { items: [{ productId: P1.id, unitPrice: 1 }] }]) {
			const res = await checkout("alice", { shippingAddress: ADDRESS, payment: CARD, ...extra });
			expect(res.status).toBe(422);
		}
		const res = await checkout("alice", { shippingAddress: ADDRESS, payment: { ...CARD, amount: 1 } });
		expect(res.status).toBe(422);
		expect(await allOrders()).toHaveLength(before);
	});

	it("refuses an empty cart, a bad address and a mistyped card number with 422, before any order exists", async () => {
		const before = (await allOrders()).length;
		expect((await checkout("bob")).status).toBe(422);
		await addToCart("bob", P1.id, 1);
		const bad = await checkout("bob", { shippingAddress: ADDRESS, payment: { ...CARD, cardNumber: "4242424242424241" } });
		expect(bad.status).toBe(422);
		expect(bad.body.data).toEqual([expect.objectContaining({ field: "payment.cardNumber" })]);
		const country = await checkout("bob", { shippingAddress: { ...ADDRESS, country: "USA" }, payment: CARD });
		expect([country.status, country.body.data]).toEqual([422, [expect.objectContaining({ field: "shippingAddress.country" })]]);
		expect((await checkout("bob", { payment: CARD })).status).toBe(422);
		expect(await allOrders()).toHaveLength(before);
	});

	it("answers a declined card with 402: the order failed, its stock back, nothing kept", async () => {
		const before = await stockOf(P1.id);
		await addToCart("bob", P1.id, 3);
		const res = await checkout("bob", { shippingAddress: ADDRESS, payment: DECLINED });
		expect(res.status).toBe(402);
		const [order] = (await http.get<Order[]>(`${api}/orders`, { token: token.bob })).body;
		expect(order).toMatchObject({ status: "failed", payment: { status: "declined" }, shipment: null });
		expect(await stockOf(P1.id)).toMatchObject({ available: before.available, reserved: 0 });
		expect((await charges(order.id)).map(c => c.status)).toEqual(["declined"]);
		// The cart stays, so the shopper can try another card.
		expect((await http.get(`${api}/cart`, { token: token.bob })).body.items).toHaveLength(1);
	});

	it("answers 409 when an item sold out after it went in the cart, and charges nothing", async () => {
		const scarce = SEED_PRODUCTS.find(p => p.initialStock >= 2 && p.initialStock < 20)!;
		const level = await stockOf(scarce.id);
		await addToCart("bob", scarce.id, level.available);
		await call(broker, "inventory.set", { productId: scarce.id, onHand: level.onHand - 1 }, { meta: { user: users.admin } });
		startingStock[scarce.id] -= 1;

		const res = await checkout("bob");
		expect(res.status).toBe(409);
		expect(res.body.type).toBe("OUT_OF_STOCK");
		const [order] = (await http.get<Order[]>(`${api}/orders`, { token: token.bob })).body;
		expect(order).toMatchObject({ status: "failed", payment: { status: "none" } });
		expect(await charges(order.id)).toEqual([]);
	});

	it("lists a shopper's own orders newest first, hides other shoppers' orders (404), and shows admins everything", async () => {
		await addToCart("bob", P2.id, 1);
		const first = (await checkout("bob")).body;
		await addToCart("bob", P2.id, 1);
		const second = (await checkout("bob")).body;

		const mine = (await http.get<Order[]>(`${api}/orders`, { token: token.bob })).body;
		expect(mine.slice(0, 2).map(o => o.id)).toEqual([second.id, first.id]);
		expect(mine.every(o => o.userId === users.bob.id)).toBe(true);

		expect((await http.get(`${api}/orders/${first.id}`, { token: token.alice })).status).toBe(404);
		expect((await http.post(`${api}/orders/${first.id}/cancel`, {}, { token: token.alice })).status).toBe(404);
		expect((await http.get(`${api}/orders?all=true`, { token: token.alice })).status).toBe(403);
		const everyone = (await http.get<Order[]>(`${api}/orders?all=true`, { token: token.admin })).body;
		expect(new Set(everyone.map(o => o.userId))).toEqual(new Set([users.alice.id, users.bob.id]));
		expect((await http.get(`${api}/orders/${first.id}`, { token: token.admin })).status).toBe(200);
		expect((await http.get(`${api}/orders`)).status).toBe(401);
	});

	it("replays a checkout sent again with the same Idempotency-Key: one order, one charge, 201 again", async () => {
		await addToCart("alice", P1.id, 1);
		const first = await checkout("alice", undefined, "key-replay");
		expect(first.status).toBe(201);
		await addToCart("alice", P1.id, 1); // a new cart changes nothing for a replay
		const again = await checkout("alice", undefined, "key-replay");
		expect(again.status).toBe(201);
		expect(again.body.id).toBe(first.body.id);
		expect(await charges(first.body.id)).toHaveLength(1);

		const other = await checkout("alice", { shippingAddress: { ...ADDRESS, city: "Shelbyville" }, payment: CARD }, "key-replay");
		expect(other.status).toBe(422);
		// Of the card, only what the shop may keep is compared: another card is a 422, another cvc is not.
		expect((await checkout("alice", { shippingAddress: ADDRESS, payment: { ...CARD, cardNumber: "5555555555554444" } }, "key-replay")).status).toBe(422);
		expect((await checkout("alice", { shippingAddress: ADDRESS, payment: { ...CARD, cvc: "999" } }, "key-replay")).body.id).toBe(first.body.id);
		// Keys are per user: Bob's "key-replay" is his own.
		await addToCart("bob", P1.id, 1);
		expect((await checkout("bob", undefined, "key-replay")).body.id).not.toBe(first.body.id);
	});

	it("refuses an Idempotency-Key it could not keep, instead of ignoring it", async () => {
		await addToCart("bob", P1.id, 1);
		const before = (await allOrders()).length;
		for (const key of ["k".repeat(256), "k".repeat(1_000)]) {
			const res = await checkout("bob", undefined, key);
			expect(res.status).toBe(422);
			expect(res.body.data).toEqual([expect.objectContaining({ field: "Idempotency-Key" })]);
		}
		expect((await allOrders()).length).toBe(before);
	});

	it("replays a failed checkout's answer too, without charging again", async () => {
		await addToCart("bob", P1.id, 1);
		const body = { shippingAddress: ADDRESS, payment: DECLINED };
		expect((await checkout("bob", body, "key-declined")).status).toBe(402);
		expect((await checkout("bob", body, "key-declined")).status).toBe(402);
		expect((await allOrders()).filter(o => o.userId === users.bob.id && o.status === "failed").length).toBeGreaterThan(0);
		const bobs = (await http.get<Order[]>(`${api}/orders`, { token: token.bob })).body;
		expect(await charges(bobs[0].id)).toHaveLength(1);
	});

	it("makes one order of 20 parallel checkouts under one Idempotency-Key; the others replay it or get 409", async () => {
		await addToCart("alice", P2.id, 1);
		const before = (await allOrders()).length;
		const results = await Promise.all(Array.from({ length: 20 }, () => checkout("alice", undefined, "key-burst")));
		const codes = results.map(r => r.status);
		expect(codes.every(c => c === 201 || c === 409)).toBe(true);
		const ids = new Set(results.filter(r => r.status === 201).map(r => r.body.id));
		expect(ids.size).toBe(1);
		const [id] = ids;
		expect(await charges(id)).toHaveLength(1);
		expect(await allOrders()).toHaveLength(before + 1);
		// Once it is done, the same key answers with the same order.
		const late = await checkout("alice", undefined, "key-burst");
		expect([late.status, late.body.id]).toEqual([201, id]);
	});

	it("cancels a confirmed order: refunded, stock back, shipment cancelled, shopper told; a second cancel changes nothing", async () => {
		const before = await stockOf(P1.id);
		await addToCart("alice", P1.id, 2);
		const order = (await checkout("alice")).body;
		const res = await http.post<Order>(`${api}/orders/${order.id}/cancel`, {}, { token: token.alice });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "cancelled", payment: { status: "refunded" }, shipment: { status: "cancelled" } });
		expect((await charges(order.id)).map(c => c.status)).toEqual(["refunded"]);
		expect(await stockOf(P1.id)).toMatchObject({ available: before.available, reserved: 0 });
		await waitUntil(async () => (await notificationsOf("alice")).some(n => n.orderId === order.id && n.type === "order.cancelled"), 5_000);
		expect((await http.post(`${api}/orders/${order.id}/cancel`, {}, { token: token.alice })).body.status).toBe("cancelled");
		expect(await charges(order.id)).toHaveLength(1);
	});

	it("takes only the bought lines out of the cart: what the shopper added in another tab while paying stays", async () => {
		await addToCart("alice", P1.id, 2);
		beforeCall.set("payments.charge", () => addToCart("alice", P2.id, 1));
		const res = await checkout("alice");
		expect(res.status).toBe(201);
		expect(res.body.items.map(i => i.productId)).toEqual([P1.id]);
		const cart = async () => (await http.get<{ items: { productId: string; quantity: number }[] }>(`${api}/cart`, { token: token.alice })).body.items;
		await waitUntil(async () => (await cart()).every(i => i.productId !== P1.id), 5_000);
		expect(await cart()).toEqual([expect.objectContaining({ productId: P2.id, quantity: 1 })]);
	});

	it("never ships a parcel whose booking lands after its failed checkout was undone", async () => {
		const before = await stockOf(P1.id);
		await addToCart("bob", P1.id, 1);
		// The booking is held up on its way for longer than the checkout waits (ORDERS_STEP_TIMEOUT_MS, 3 s).
		beforeCall.set("shipping.create", () => sleep(3_500));
		const res = await checkout("bob");
		expect(res.status).toBe(503);
		const [order] = (await http.get<Order[]>(`${api}/orders`, { token: token.bob })).body;
		expect(order).toMatchObject({ status: "failed", payment: { status: "refunded" } });

		const [late] = await Promise.all(heldCalls);
		expect(late.error).toMatchObject({ code: 409, type: "SHIPMENT_CANCELLED" });
		expect(await call(broker, "shipping.byOrders", { orderIds: [order.id] })).toEqual([]);
		expect((await charges(order.id)).map(c => c.status)).toEqual(["refunded"]);
		expect(await stockOf(P1.id)).toMatchObject({ available: before.available, reserved: 0 });
	});

	it("follows the parcel: shipped, then delivered, each told to the shopper once; no cancel once shipped (409)", async () => {
		await addToCart("bob", P2.id, 1);
		const order = (await checkout("bob")).body;
		shippingClockOffset += 90_000; // past the (default) minute to ship, short of the two to deliver
		await waitUntil(async () => (await http.get<Order>(`${api}/orders/${order.id}`, { token: token.bob })).body.status === "shipped", 5_000);
		const cancel = await http.post(`${api}/orders/${order.id}/cancel`, {}, { token: token.bob });
		expect(cancel.status).toBe(409);
		expect((await charges(order.id)).map(c => c.status)).toEqual(["charged"]);

		shippingClockOffset += 24 * 60 * 60_000;
		await waitUntil(async () => (await http.get<Order>(`${api}/orders/${order.id}`, { token: token.bob })).body.status === "delivered", 5_000);
		await waitUntil(async () => (await notificationsOf("bob")).filter(n => n.orderId === order.id).length === 3, 5_000);
		expect((await notificationsOf("bob")).filter(n => n.orderId === order.id).map(n => n.type).sort()).toEqual(["order.confirmed", "order.delivered", "order.shipped"]);
		expect((await http.get<Order>(`${api}/orders/${order.id}`, { token: token.bob })).body.shipment?.status).toBe("delivered");
	});

	it("answers 503 at once when payments cannot be reached, holding no stock and charging nothing; works again when it is back", async () => {
		const before = await stockOf(P1.id);
		await addToCart("alice", P1.id, 1);
		down.add("payments");
		const res = await checkout("alice");
		expect(res.status).toBe(503);
		expect(res.ms).toBeLessThan(5_000);
		expect(await stockOf(P1.id)).toMatchObject({ available: before.available, reserved: 0 });
		const [failed] = (await http.get<Order[]>(`${api}/orders`, { token: token.alice })).body;
		expect(failed).toMatchObject({ status: "failed", payment: { status: "none" } });

		down.clear();
		const retry = await checkout("alice");
		expect(retry.status).toBe(201);
		expect(await charges(failed.id)).toEqual([]);
	});

	it("confirms orders while notifications is down, and sends each confirmation once when it is back", async () => {
		down.add("notifications");
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			await addToCart("bob", P2.id, 1);
			const res = await checkout("bob");
			expect(res.status).toBe(201);
			ids.push(res.body.id);
		}
		down.clear();
		await waitUntil(async () => (await notificationsOf("bob")).filter(n => ids.includes(n.orderId)).length === 3, 5_000);
		await new Promise(r => setTimeout(r, 300)); // a few more relay rounds: nothing may be sent twice
		const sent = (await notificationsOf("bob")).filter(n => ids.includes(n.orderId));
		expect(sent.map(n => n.orderId).sort()).toEqual([...ids].sort());
		expect(sent.every(n => n.type === "order.confirmed")).toBe(true);
	});

	it("forgets an Idempotency-Key after 24 hours: the same key then makes a new order", async () => {
		await addToCart("bob", P1.id, 1);
		const first = await checkout("bob", undefined, "key-daily");
		expect(first.status).toBe(201);
		ordersClockOffset += 23 * 60 * 60_000;
		expect((await checkout("bob", undefined, "key-daily")).body.id).toBe(first.body.id);
		ordersClockOffset += 2 * 60 * 60_000;
		await addToCart("bob", P1.id, 1);
		const later = await checkout("bob", undefined, "key-daily");
		expect(later.status).toBe(201);
		expect(later.body.id).not.toBe(first.body.id);
	});
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
		await new Promise(r => setTimeout(r, 50));
	}
}
