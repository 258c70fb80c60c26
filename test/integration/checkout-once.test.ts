// One cart, one order: a double click (or five tabs) on "Place order" without an Idempotency-Key
// buys once. Every service of the chain is real and in one process; a gate on inventory.reserve
// can hold the first checkout mid-saga until every other request has had its answer.
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CartService from "../../services/cart/cart.service";
import CurrencyService from "../../services/currency/currency.service";
import InventoryService from "../../services/inventory/inventory.service";
import NotificationsService from "../../services/notifications/notifications.service";
import OrdersService from "../../services/orders/orders.service";
import PaymentsService from "../../services/payments/payments.service";
import ProductsService from "../../services/products/products.service";
import ShippingService from "../../services/shipping/shipping.service";
import type { StockLedger } from "../../services/inventory/ledger";
import type { Order } from "../../services/orders/orders.contract";
import { call } from "../../lib/call";
import type { AuthUser } from "../../lib/meta";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http, type JsonResponse } from "../support/http";
import { unbalanced } from "../support/inventory-books";
import { audit } from "../support/orders-books";

/** action → what a call of it waits for before it reaches its service. */
const gates = new Map<string, () => Promise<unknown>>();
const Gates: Middleware = {
	name: "Gates",
	localAction(next: (ctx: unknown) => Promise<unknown>, action: { name: string }) {
		return (ctx: unknown) => {
			const gate = gates.get(action.name);
			return gate ? gate().then(() => next(ctx)) : next(ctx);
		};
	},
} as unknown as Middleware;

const ADDRESS = { name: "Ada Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const admin: AuthUser = { id: "user-admin", email: "admin@example.com", role: "admin" };
const P = SEED_PRODUCTS.filter(p => p.initialStock >= 20)[0];

describe("one cart, one order", () => {
	let broker: ServiceBroker;
	let api: string;
	let shoppers = 0;
	const startingStock = Object.fromEntries(SEED_PRODUCTS.map(p => [p.id, p.initialStock]));

	beforeAll(async () => {
		broker = await startBroker(
			[ApiService, CurrencyService, ProductsService, InventoryService, CartService, PaymentsService, NotificationsService, ShippingService, OrdersService] as ServiceSchema[],
			{ middlewares: [Gates] },
		);
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());

	afterEach(async () => {
		gates.clear();
		// The books: every charge kept belongs to a kept order of that total, every unit is available, held or sold.
		const orders = await call(broker, "orders.list", { all: true, pageSize: 500 }, { meta: { user: admin } });
		const charges = await call(broker, "payments.list", {}, { meta: { user: admin } });
		const stock = await Promise.all(SEED_PRODUCTS.map(p => call(broker, "inventory.get", { productId: p.id })));
		const books = audit({ orders, charges, startingStock, stock });
		expect(books.problems).toEqual([]);
		expect(books.kept).toBe(books.owed);
		const { ledger } = broker.getLocalService("inventory") as unknown as { ledger: StockLedger };
		expect(unbalanced(await ledger.stock.find({}), await ledger.reservations.find({}))).toEqual([]);
	});

	/** A new shopper with one unit of P in their cart. */
	async function shopperWithCart(): Promise<{ user: AuthUser; token: string }> {
		const user: AuthUser = { id: `user-once-${++shoppers}`, email: `once${shoppers}@example.com`, role: "customer" };
		const token = signToken(user);
		expect((await http.post(`${api}/cart/items`, { productId: P.id, quantity: 1 }, { token })).status).toBe(200);
		return { user, token };
	}
	const checkout = (token: string) => http.post<Order & { type?: string }>(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token });
	const chargesOf = async (orders: Order[]) => (await call(broker, "payments.list", {}, { meta: { user: admin } })).filter(c => orders.some(o => o.id === c.orderId));
	const ordersOf = async (token: string) => (await http.get<Order[]>(`${api}/orders`, { token })).body;

	/** Exactly one 201; every other answer a 409 "checkout in progress" or that same order. */
	function expectOneOrder(answers: JsonResponse<Order & { type?: string }>[]): Order {
		const created = answers.filter(a => a.status === 201);
		expect(created.length).toBeGreaterThanOrEqual(1);
		const order = created[0].body;
		expect(created.every(a => a.body.id === order.id)).toBe(true);
		for (const a of answers.filter(a => a.status !== 201)) expect([a.status, a.body.type]).toEqual([409, "CHECKOUT_IN_PROGRESS"]);
		return order;
	}

	it("buys once when 8 checkouts of one cart arrive while the first is still running: one 201, the rest 409", async () => {
		const { token } = await shopperWithCart();
		const before = await call(broker, "inventory.get", { productId: P.id });
		// The first checkout to reserve waits until all the others have been answered.
		let othersAnswered!: () => void;
		const allAnswered = new Promise<void>(resolve => (othersAnswered = resolve));
		gates.set("inventory.reserve", () => allAnswered);

		const tries = Array.from({ length: 8 }, () => checkout(token));
		const settled: JsonResponse<Order & { type?: string }>[] = [];
		const others = tries.map(t => t.then(a => (a.status !== 201 && settled.push(a), a)));
		// Seven answers come back while the first is held at the gate; then it may go on.
		await waitUntil(() => settled.length === 7, 10_000);
		othersAnswered();
		const answers = await Promise.all(others);

		const order = expectOneOrder(answers);
		expect(answers.filter(a => a.status === 201)).toHaveLength(1);
		expect(order.status).toBe("confirmed");
		const mine = await ordersOf(token);
		expect(mine.map(o => o.id)).toEqual([order.id]);
		expect((await chargesOf(mine)).map(c => [c.orderId, c.status])).toEqual([[order.id, "charged"]]);
		expect(await call(broker, "inventory.get", { productId: P.id })).toMatchObject({ available: before.available - 1, reserved: 0 });
	});

	it("buys once when 10 checkouts of one cart arrive at the same moment, with no one held up", async () => {
		const { token } = await shopperWithCart();
		const before = await call(broker, "inventory.get", { productId: P.id });
		const answers = await Promise.all(Array.from({ length: 10 }, () => checkout(token)));

		const order = expectOneOrder(answers);
		const mine = await ordersOf(token);
		expect(mine.map(o => o.id)).toEqual([order.id]);
		expect((await chargesOf(mine)).filter(c => c.status === "charged")).toHaveLength(1);
		expect(await call(broker, "inventory.get", { productId: P.id })).toMatchObject({ available: before.available - 1, reserved: 0 });
	});

	it("lets the shopper check out again once the first checkout has failed, and once it has gone through", async () => {
		const { token } = await shopperWithCart();
		const declined = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: { ...CARD, cardNumber: "4000000000000002" } }, { token });
		expect(declined.status).toBe(402);
		const first = await checkout(token);
		expect(first.status).toBe(201);
		// The cart is empty now: a checkout for another address is not a repeat of that order.
		const elsewhere = await http.post(`${api}/checkout`, { shippingAddress: { ...ADDRESS, city: "Shelbyville" }, payment: CARD }, { token });
		expect([elsewhere.status, elsewhere.body.data]).toEqual([422, [expect.objectContaining({ field: "cart" })]]);
		expect((await http.post(`${api}/cart/items`, { productId: P.id, quantity: 1 }, { token })).status).toBe(200);
		const second = await checkout(token);
		expect(second.status).toBe(201);
		expect(second.body.id).not.toBe(first.body.id);
	});
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
		await new Promise(r => setTimeout(r, 20));
	}
}
