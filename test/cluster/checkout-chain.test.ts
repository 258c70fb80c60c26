// Checkout with every service of the chain on a node of its own, NATS between them, started the
// way a user starts them: what a shopper sees when all is well, when a card or stock says no,
// under a rush, and when payments or notifications die. The books balance after every test.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import type { Order } from "../../services/orders/orders.contract";
import { expectBooksToBalance } from "../support/books";
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";

const ADDRESS = { name: "Ada Lovelace", street: "12 St James's Sq", city: "London", postalCode: "SW1Y 4JH", country: "GB" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED = { ...CARD, cardNumber: "4000000000000002" };
const admin = signToken({ id: "cluster-admin", email: "admin@example.com", role: "admin" });
const shopper = (n: number | string) => signToken({ id: `buyer-${n}`, email: `buyer-${n}@example.com`, role: "customer" });

/** A list the gateway answers, or [] while it cannot (a node restarting): for polling. */
async function listOf<T>(url: string, token: string): Promise<T[]> {
	const res = await http.get<T[]>(url, { token });
	return res.status === 200 ? res.body : [];
}

const [P1, P2, RACED, SCARCE] = SEED_PRODUCTS.filter(p => p.initialStock >= 10);

describe("checkout across nodes", () => {
	const cluster = new TestCluster();
	let api: string;
	const startingStock: Record<string, number> = {};

	const addToCart = (token: string, productId: string, quantity: number) => http.post(`${api}/cart/items`, { productId, quantity }, { token });
	const checkout = (token: string, payment = CARD, key?: string) =>
		http.post<Order>(`${api}/checkout`, { shippingAddress: ADDRESS, payment }, { token, headers: key ? { "idempotency-key": key } : {}, timeoutMs: 30_000 });
	const available = async (productId: string) => ((await http.get(`${api}/inventory/${productId}`)).body as { available: number }).available;
	/** Whether node `viewer` knows node `seen` as it is now (its current process, not the one before a restart). */
	const knows = async (viewer: string, seen: string) => {
		const { nodeID } = cluster.node(seen);
		const current = (cluster.observer.registry.nodes.get(nodeID) as unknown as { instanceID: string }).instanceID;
		const nodes = (await cluster.observer.call("$node.list", { onlyAvailable: true }, { nodeID: cluster.node(viewer).nodeID })) as { id: string; instanceID: string }[];
		return nodes.some(n => n.id === nodeID && n.instanceID === current);
	};
	const setStock = async (productId: string, onHand: number) => {
		const before = ((await http.get(`${api}/inventory/${productId}`)).body as { onHand: number }).onHand;
		expect((await http.put(`${api}/inventory/${productId}`, { onHand }, { token: admin })).status).toBe(200);
		startingStock[productId] += onHand - before;
	};

	beforeAll(async () => {
		await cluster.start();
		const orders = { ORDERS_LEASE_MS: "5000", ORDERS_SWEEP_MS: "500", ORDERS_RELAY_RETRY_MS: "1000" };
		await Promise.all([
			cluster.startNode("gw", { services: ["api"] }),
			cluster.startNode("shop", { services: ["users", "products", "inventory", "cart", "currency"] }),
			cluster.startNode("orders", { services: ["orders"], env: orders }),
			cluster.startNode("payments", { services: ["payments"] }),
			cluster.startNode("shipping", { services: ["shipping"] }),
			cluster.startNode("notifications", { services: ["notifications"] }),
		]);
		api = `${cluster.url("gw")}/api`;
		for (const p of [P1, P2, RACED, SCARCE]) startingStock[p.id] = p.initialStock;
		await cluster.waitFor(async () => (await http.get(`${api}/payments`, { token: admin })).status === 200, 10_000, "the gateway to see every service");
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	afterEach(() => expectBooksToBalance(cluster, api, admin, startingStock), 30_000);

	it("takes a registered shopper from cart to a confirmed, charged, booked order, and tells them", async () => {
		const reg = await http.post(`${api}/auth/register`, { email: "ada@example.com", password: "analytical-engine", name: "Ada" });
		expect(reg.status).toBe(201);
		const token = reg.body.token as string;
		const before = await available(P1.id);
		await addToCart(token, P1.id, 2);
		await addToCart(token, P2.id, 1);

		const res = await checkout(token);
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ status: "confirmed", total: 2 * P1.price + P2.price + res.body.shippingCost, payment: { last4: "4242", status: "charged" }, shipment: { status: "booked" } });
		expect(await available(P1.id)).toBe(before - 2);
		expect((await http.get(`${api}/cart`, { token })).body.items).toEqual([]);
		expect((await http.get<Order[]>(`${api}/orders`, { token })).body.map(o => o.id)).toEqual([res.body.id]);
		await cluster.waitFor(
			async () => (await listOf<{ type: string; sentAt: string | null }>(`${api}/notifications`, token)).some(n => n.type === "order.confirmed" && n.sentAt),
			10_000,
			"the confirmation to go out",
		);
	});

	it("answers a declined card with 402 and an item gone with 409: failed orders, stock back, nothing kept", async () => {
		const token = shopper("unlucky");
		const before = await available(P1.id);
		await addToCart(token, P1.id, 1);
		expect((await checkout(token, DECLINED)).status).toBe(402);
		expect(await available(P1.id)).toBe(before);

		await addToCart(token, SCARCE.id, 2);
		await setStock(SCARCE.id, 1);
		const gone = await checkout(token);
		expect(gone.status).toBe(409);
		const orders = (await http.get<Order[]>(`${api}/orders`, { token })).body;
		expect(orders.map(o => [o.status, o.payment.status])).toEqual([
			["failed", "none"],
			["failed", "declined"],
		]);
		expect((await http.get(`${api}/payments?orderId=${orders[0].id}`, { token: admin })).body).toEqual([]);
	});

	it("makes one order and one charge of 20 parallel checkouts with one Idempotency-Key", async () => {
		const token = shopper("impatient");
		await addToCart(token, P2.id, 1);
		const results = await Promise.all(Array.from({ length: 20 }, () => checkout(token, CARD, "double-click")));
		expect(results.every(r => r.status === 201 || r.status === 409)).toBe(true);
		const ids = new Set(results.filter(r => r.status === 201).map(r => r.body.id));
		expect(ids.size).toBe(1);
		expect((await http.get<Order[]>(`${api}/orders`, { token })).body).toHaveLength(1);
		expect((await http.get(`${api}/payments?orderId=${[...ids][0]}`, { token: admin })).body).toHaveLength(1);
	});

	it("sells exactly the last 5 units to 30 racing buyers, never below zero, charging only the 5", async () => {
		await setStock(RACED.id, 5);
		const buyers = Array.from({ length: 30 }, (_, i) => shopper(`racer-${i}`));
		for (const token of buyers) expect((await addToCart(token, RACED.id, 1)).status).toBe(200);

		const results = await Promise.all(buyers.map(token => checkout(token)));
		const codes = results.map(r => r.status).sort();
		expect(codes.filter(c => c === 201)).toHaveLength(5);
		expect(codes.filter(c => c !== 201).every(c => c === 409)).toBe(true);
		const level = (await http.get(`${api}/inventory/${RACED.id}`)).body;
		expect(level).toMatchObject({ available: 0, reserved: 0 });
		const charged = ((await http.get(`${api}/payments`, { token: admin })).body as { orderId: string; status: string }[]).filter(c =>
			results.some(r => r.status === 201 && r.body.id === c.orderId),
		);
		expect(charged.map(c => c.status)).toEqual(["charged", "charged", "charged", "charged", "charged"]);
	}, 60_000);

	it("answers 503 within 5 s when the payments node dies, holding no stock and charging nothing; works once it is back", async () => {
		const token = shopper("stranded");
		await addToCart(token, P1.id, 1);
		const before = await available(P1.id);
		cluster.kill("payments");

		const res = await checkout(token);
		expect(res.status).toBe(503);
		expect(res.ms).toBeLessThan(5_000);
		expect(await available(P1.id)).toBe(before);

		await cluster.restart("payments");
		// Once the orders node sees payments again, the very next checkout goes through.
		await cluster.waitFor(() => knows("orders", "payments"), 10_000, "orders to see payments again");
		expect((await checkout(token)).status).toBe(201);
		// The failed order's refund (of nothing) waited for payments; the recovery sweep settles it.
		const statuses = async () => (await listOf<Order>(`${api}/orders`, token)).map(o => o.status).join();
		await cluster.waitFor(async () => (await statuses()) === "confirmed,failed", 15_000, "the failed order to settle");
	}, 60_000);

	it("confirms 3 orders while notifications is dead, then sends each confirmation exactly once when it is back", async () => {
		const token = shopper("patient");
		cluster.kill("notifications");
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			await addToCart(token, P2.id, 1);
			const res = await checkout(token);
			expect([res.status, res.body]).toEqual([201, expect.anything()]);
			ids.push(res.body.id);
		}

		await cluster.restart("notifications");
		const mine = async () => listOf<{ orderId: string; type: string; sentAt: string | null }>(`${api}/notifications`, token);
		await cluster.waitFor(async () => (await mine()).filter(n => n.sentAt).length >= 3, 20_000, "3 confirmations to go out");
		await new Promise(r => setTimeout(r, 1_500)); // a few more relay rounds: a second copy would show now
		const sent = await mine();
		expect(sent.map(n => n.orderId).sort()).toEqual([...ids].sort());
		expect(sent.every(n => n.type === "order.confirmed" && n.sentAt)).toBe(true);
	}, 60_000);
});
