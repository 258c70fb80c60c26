// A checkout that stalls past its lease while the sweep of the same orders instance takes the
// order over: each run carries its lease's sequence number (the fencing token), so exactly one of
// them decides the order, and the payment and the order agree. The stall is a gate in a stand-in
// payments service: the card is charged, and the answer is held until the sweep has finished.
import type { ServiceBroker, ServiceSchema } from "moleculer";
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
import { http } from "../support/http";
import { unbalanced } from "../support/inventory-books";
import { audit } from "../support/orders-books";

const LEASE_MS = 20_000;
let ordersClockOffset = 0;

/** Resolves when a charge has been made and its answer is held; the held answer goes once `releaseCharge` is called. */
let chargeHeld: () => void = () => undefined;
let releaseCharge: () => void = () => undefined;
let holdCharges = false;
const StandInPayments = {
	name: "payments",
	mixins: [PaymentsService],
	hooks: {
		after: {
			async charge(_ctx: unknown, charge: unknown) {
				if (!holdCharges) return charge;
				const released = new Promise<void>(resolve => (releaseCharge = resolve));
				chargeHeld();
				await released;
				return charge;
			},
		},
	},
} as unknown as ServiceSchema;

const ADDRESS = { name: "Ada Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const admin: AuthUser = { id: "user-admin", email: "admin@example.com", role: "admin" };
const ada: AuthUser = { id: "user-fenced", email: "fenced@example.com", role: "customer" };
const P = SEED_PRODUCTS.filter(p => p.initialStock >= 20)[0];

describe("a stalled checkout and the sweep that takes its order over", () => {
	let broker: ServiceBroker;
	let api: string;
	const startingStock = Object.fromEntries(SEED_PRODUCTS.map(p => [p.id, p.initialStock]));

	beforeAll(async () => {
		broker = await startBroker([
			ApiService,
			CurrencyService,
			ProductsService,
			InventoryService,
			CartService,
			StandInPayments,
			NotificationsService,
			ShippingService,
			{
				name: "orders",
				mixins: [OrdersService],
				// The request's calls may take longer than the stall; only the orders clock jumps past the lease.
				settings: { sweepIntervalMs: 50, leaseMs: LEASE_MS, stepTimeoutMs: 15_000 },
				methods: { now: () => Date.now() + ordersClockOffset },
			},
		] as ServiceSchema[]);
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());

	it("lets exactly one run decide the order: the sweep's undo stands, the stalled request writes nothing, money and order agree", async () => {
		const token = signToken(ada);
		await http.post(`${api}/cart/items`, { productId: P.id, quantity: 1 }, { token });
		const before = await call(broker, "inventory.get", { productId: P.id });

		const charged = new Promise<void>(resolve => (chargeHeld = resolve));
		holdCharges = true;
		const stalled = http.post<Order & { type?: string }>(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token, timeoutMs: 30_000 });
		await charged;

		// The request is stalled past its lease: the sweep of the same instance claims the order and,
		// the charge not being written on it, undoes the checkout.
		ordersClockOffset += LEASE_MS + 1;
		const [pending] = (await http.get<Order[]>(`${api}/orders`, { token })).body;
		const settled = await waitFor(async () => {
			const order = (await http.get<Order>(`${api}/orders/${pending.id}`, { token })).body;
			return order.status !== "pending" ? order : null;
		});
		expect(settled).toMatchObject({ status: "failed", payment: { status: "refunded" } });

		// Now the stalled request hears that its card was charged: its run no longer holds the order.
		holdCharges = false;
		releaseCharge();
		const answer = await stalled;
		expect([answer.status, answer.body.type]).toEqual([503, "SERVICE_UNAVAILABLE"]);

		const order = (await http.get<Order>(`${api}/orders/${pending.id}`, { token })).body;
		expect(order).toMatchObject({ status: "failed", payment: { status: "refunded" }, shipment: null });
		expect(order.updatedAt).toBe(settled.updatedAt);
		const charges = await call(broker, "payments.list", { orderId: order.id }, { meta: { user: admin } });
		expect(charges.map(c => c.status)).toEqual(["refunded"]);
		expect(await call(broker, "inventory.get", { productId: P.id })).toMatchObject({ available: before.available, reserved: 0 });

		const orders = await call(broker, "orders.list", { all: true, pageSize: 500 }, { meta: { user: admin } });
		const allCharges = await call(broker, "payments.list", {}, { meta: { user: admin } });
		const stock = await Promise.all(SEED_PRODUCTS.map(p => call(broker, "inventory.get", { productId: p.id })));
		expect(audit({ orders, charges: allCharges, startingStock, stock }).problems).toEqual([]);
		const { ledger } = broker.getLocalService("inventory") as unknown as { ledger: StockLedger };
		expect(unbalanced(await ledger.stock.find({}), await ledger.reservations.find({}))).toEqual([]);
	});
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== null) return value;
		if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
		await new Promise(r => setTimeout(r, 20));
	}
}
