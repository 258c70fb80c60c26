// The orders process killed (kill -9) at the worst moments: with a charge in flight, and while a
// parcel ships. After the restart every order is settled, and charges, refunds and stock agree.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import type { Order } from "../../services/orders/orders.contract";
import type { Shipment } from "../../services/shipping/shipping.contract";
import { expectBooksToBalance } from "../support/books";
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";

const ADDRESS = { name: "Grace Hopper", street: "1 Navy Way", city: "Arlington", postalCode: "22202", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const admin = signToken({ id: "crash-admin", email: "admin@example.com", role: "admin" });
const shopper = (n: string) => signToken({ id: `crash-${n}`, email: `crash-${n}@example.com`, role: "customer" });
const PAYMENTS_LATENCY_MS = 1_500;
/** A list the gateway answers, or [] while it cannot (a node restarting): for polling. */
async function listOf<T>(url: string, token: string): Promise<T[]> {
	const res = await http.get<T[]>(url, { token });
	return res.status === 200 ? res.body : [];
}

const [P1, P2] = SEED_PRODUCTS.filter(p => p.initialStock >= 10);

describe("an orders node that dies", () => {
	const cluster = new TestCluster();
	let api: string;
	const startingStock = { [P1.id]: P1.initialStock, [P2.id]: P2.initialStock };

	const checkout = (token: string) => http.post<Order>(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token, timeoutMs: 40_000 });
	const ordersOf = (token: string) => listOf<Order>(`${api}/orders`, token);
	/** Whether node `viewer` knows node `seen` as it is now (its current process, not the one before a restart). */
	const knows = async (viewer: string, seen: string) => {
		const { nodeID } = cluster.node(seen);
		const current = (cluster.observer.registry.nodes.get(nodeID) as unknown as { instanceID: string }).instanceID;
		const nodes = (await cluster.observer.call("$node.list", { onlyAvailable: true }, { nodeID: cluster.node(viewer).nodeID })) as { id: string; instanceID: string }[];
		return nodes.some(n => n.id === nodeID && n.instanceID === current);
	};
	const restartOrders = async () => {
		await cluster.restart("orders");
		await cluster.waitFor(() => knows("gw", "orders"), 10_000, "the gateway to see orders again");
	};
	const available = async (productId: string) => ((await http.get(`${api}/inventory/${productId}`)).body as { available: number }).available;

	beforeAll(async () => {
		await cluster.start();
		await Promise.all([
			cluster.startNode("gw", { services: ["api"] }),
			cluster.startNode("shop", { services: ["products", "inventory", "cart", "currency"] }),
			cluster.startNode("orders", { services: ["orders"], env: { ORDERS_LEASE_MS: "4000", ORDERS_SWEEP_MS: "500" } }),
			cluster.startNode("payments", { services: ["payments"], env: { PAYMENTS_LATENCY_MS: String(PAYMENTS_LATENCY_MS) } }),
			cluster.startNode("shipping", { services: ["shipping"], env: { SHIPPING_SHIP_AFTER_MS: "2500", SHIPPING_DELIVER_AFTER_MS: "600000" } }),
			cluster.startNode("notifications", { services: ["notifications"] }),
		]);
		api = `${cluster.url("gw")}/api`;
		await cluster.waitFor(async () => (await http.get(`${api}/payments`, { token: admin })).status === 200, 10_000, "the gateway to see every service");
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	afterEach(() => expectBooksToBalance(cluster, api, admin, startingStock), 30_000);

	it("settles a checkout cut off while the card was being charged: confirmed or failed, never charged without an order", async () => {
		const token = shopper("mid-charge");
		await http.post(`${api}/cart/items`, { productId: P1.id, quantity: 2 }, { token });
		const before = await available(P1.id);

		const answer = checkout(token).catch(err => err as Error);
		await cluster.waitFor(async () => (await ordersOf(token)).length === 1, 5_000, "the order to be written");
		await new Promise(r => setTimeout(r, 300)); // stock held, the charge at payments (it takes 1.5 s)
		cluster.kill("orders");
		await restartOrders();

		const settledStatus = async () => ["confirmed", "failed"].includes((await ordersOf(token))[0]?.status ?? "");
		await cluster.waitFor(settledStatus, 20_000, "the recovered order to settle");
		const [order] = await ordersOf(token);
		expect(["confirmed", "failed"]).toContain(order.status);
		const charges = (await http.get(`${api}/payments?orderId=${order.id}`, { token: admin })).body as { status: string }[];
		if (order.status === "confirmed") {
			expect(charges.map(c => c.status)).toEqual(["charged"]);
			expect(await available(P1.id)).toBe(before - 2);
		} else {
			expect(charges.filter(c => c.status === "charged")).toEqual([]);
			expect(await available(P1.id)).toBe(before);
		}
		// The shopper's request died with its node: whatever they were told, it was not "confirmed".
		// (The gateway may hold it until the checkout's own timeout; the cluster's stop ends it.)
		const told = await Promise.race([answer, new Promise<null>(r => setTimeout(() => r(null), 100))]);
		if (told && !(told instanceof Error)) expect(told.status).not.toBe(201);
	}, 60_000);

	it("catches up with a parcel that shipped while orders was down, and tells the shopper once", async () => {
		const token = shopper("away");
		await http.post(`${api}/cart/items`, { productId: P2.id, quantity: 1 }, { token });
		const res = await checkout(token);
		expect(res.status).toBe(201);
		cluster.kill("orders");

		// It ships while the dead node is still listed: the event is sent to it and lost.
		await cluster.waitFor(
			async () => ((await cluster.observer.call("shipping.byOrders", { orderIds: [res.body.id] })) as Shipment[])[0]?.status === "shipped",
			10_000,
			"the parcel to ship",
		);
		await restartOrders();
		await cluster.waitFor(async () => (await ordersOf(token))[0]?.status === "shipped", 15_000, "the order to learn it shipped");
		const notes = () => listOf<{ type: string }>(`${api}/notifications`, token);
		await cluster.waitFor(async () => (await notes()).some(n => n.type === "order.shipped"), 10_000, "the shipped message");
		expect((await notes()).map(n => n.type).sort()).toEqual(["order.confirmed", "order.shipped"]);
		// Asked as a client that honours Retry-After: a node restarted under its old id before its
		// death was noticed can drop out of the gateway's view for a moment (a 503) and come back.
		let cancel = await http.post(`${api}/orders/${res.body.id}/cancel`, {}, { token });
		for (let tries = 0; cancel.status === 503 && tries < 10; tries++) {
			await new Promise(r => setTimeout(r, 1_000));
			cancel = await http.post(`${api}/orders/${res.body.id}/cancel`, {}, { token });
		}
		expect([cancel.status, cancel.body.type]).toEqual([409, "ALREADY_SHIPPED"]);
	}, 60_000);
});
