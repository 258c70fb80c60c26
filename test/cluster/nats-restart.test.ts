// NATS itself restarted under load (a NATS this test starts on a port of its own): while it is
// down, reads fail fast with a 503 and never hang; once it is back, the cluster is ready again
// within 20 s and a checkout succeeds, and the books balance.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { expectBooksToBalance } from "../support/books";
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";
import { OwnNatsServer } from "../support/nats";

const ADDRESS = { name: "Nat Restart", street: "5 Broker Way", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const admin = signToken({ id: "nats-admin", email: "admin@example.com", role: "admin" });
const shopper = signToken({ id: "nats-shopper", email: "nats-shopper@example.com", role: "customer" });
const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;

describe("NATS restarted under load", () => {
	let nats: OwnNatsServer;
	let cluster: TestCluster;
	let api: string;

	beforeAll(async () => {
		nats = await OwnNatsServer.start();
		cluster = new TestCluster(nats.url);
		await cluster.start();
		api = await cluster.startShop();
	}, 60_000);
	afterAll(async () => {
		await cluster?.stop();
		await nats?.stop();
	}, 30_000);

	it("fails reads fast while NATS is down, and is ready again within 20 s of its return, with a checkout that succeeds", async () => {
		await nats.stop();
		for (let i = 0; i < 3; i++) {
			const res = await http.get(`${api}/products?page=${i + 1}`, { timeoutMs: 15_000 });
			expect({ status: res.status, fast: res.ms < 5_000 }).toEqual({ status: 503, fast: true });
		}

		await nats.start();
		const back = Date.now();
		await cluster.waitFor(async () => (await http.get(`${api}/health/ready`)).status === 200, 20_000, "the cluster to be ready again");
		expect(Date.now() - back).toBeLessThanOrEqual(20_000);

		await cluster.waitFor(async () => (await http.post(`${api}/cart/items`, { productId: product.id, quantity: 1 }, { token: shopper })).status === 200, 10_000, "the cart to take an item");
		// As a client that honours Retry-After: a 503 charges nothing, and the key makes a repeat safe.
		let order = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: shopper, timeoutMs: 30_000, headers: { "idempotency-key": "after-nats" } });
		for (let tries = 0; order.status === 503 && tries < 10; tries++) {
			await new Promise(resolve => setTimeout(resolve, 1_000 * Math.min(2, Number(order.headers.get("retry-after") ?? 1))));
			order = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: shopper, timeoutMs: 30_000, headers: { "idempotency-key": "after-nats" } });
		}
		expect(order.status).toBe(201);
		await expectBooksToBalance(cluster, api, admin, { [product.id]: product.initialStock });
	}, 120_000);
});
