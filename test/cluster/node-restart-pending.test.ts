// A node killed with checkouts in flight and restarted at once under the same id (a container
// restarted in place): every shopper whose request was on the dead instance hears back within 12 s
// of the death, a 503 with Retry-After, never a 30 s wait for an answer that cannot come; and the
// orders it had in flight are settled, with the books balanced.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { expectBooksToBalance } from "../support/books";
import { TestCluster } from "../support/cluster";
import { http, type JsonResponse } from "../support/http";

const ADDRESS = { name: "Ada Restart", street: "2 Phoenix Rd", city: "Arlington", postalCode: "22202", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const SHOPPERS = 8;
const admin = signToken({ id: "restart-admin", email: "admin@example.com", role: "admin" });
const shopper = (n: number) => signToken({ id: `restart-${n}`, email: `restart-${n}@example.com`, role: "customer" });
const PRODUCT = SEED_PRODUCTS.find(p => p.initialStock >= SHOPPERS + 2)!;

describe("a node restarted under its old id with requests in flight", () => {
	const cluster = new TestCluster();
	let api: string;

	beforeAll(async () => {
		await cluster.start();
		await Promise.all([
			cluster.startNode("gw", { services: ["api"] }),
			cluster.startNode("shop", { services: ["products", "inventory", "cart", "currency"] }),
			cluster.startNode("orders", { services: ["orders"], env: { ORDERS_LEASE_MS: "4000", ORDERS_SWEEP_MS: "500" } }),
			// Slow charges: every checkout is still at payments when orders dies.
			cluster.startNode("payments", { services: ["payments"], env: { PAYMENTS_LATENCY_MS: "4000" } }),
			cluster.startNode("shipping", { services: ["shipping"] }),
			cluster.startNode("notifications", { services: ["notifications"] }),
		]);
		api = `${cluster.url("gw")}/api`;
		await cluster.waitFor(async () => (await http.get(`${api}/payments`, { token: admin })).status === 200, 15_000, "the gateway to see every service");
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("answers every shopper whose checkout was on the old instance within 12 s, and settles their orders", async () => {
		const tokens = Array.from({ length: SHOPPERS }, (_, i) => shopper(i));
		for (const token of tokens) expect((await http.post(`${api}/cart/items`, { productId: PRODUCT.id, quantity: 1 }, { token })).status).toBe(200);

		let killedAt = 0;
		const answers = tokens.map(token =>
			http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token, timeoutMs: 40_000 }).then(res => ({ res, at: Date.now() })),
		);
		// The barrier: every checkout holds its stock (so each is inside the saga, on the orders node).
		const reserved = async () => ((await http.get(`${api}/inventory/${PRODUCT.id}`)).body as { reserved?: number }).reserved ?? 0;
		await cluster.waitFor(async () => (await reserved()) >= SHOPPERS, 15_000, "every checkout to hold its stock");

		cluster.kill("orders");
		killedAt = Date.now();
		await cluster.restart("orders");

		const told: { res: JsonResponse; at: number }[] = await Promise.all(answers);
		for (const { res, at } of told) {
			expect({ status: res.status, waitedMs: at - killedAt <= 12_000 }).toEqual({ status: 503, waitedMs: true });
			expect(res.headers.get("retry-after")).toBeTruthy();
		}

		// Whatever they were told, the orders are settled afterwards and the books balance.
		await expectBooksToBalance(cluster, api, admin, { [PRODUCT.id]: PRODUCT.initialStock });
	}, 90_000);
});
