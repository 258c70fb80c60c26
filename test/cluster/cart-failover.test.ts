// The cart on its own node, with the gateway, products and inventory on theirs: a cart survives a restart,
// and with products or inventory gone a shopper gets an honest answer, never a wrong price.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { TestCluster } from "../support/cluster";
import { http, type JsonResponse } from "../support/http";

const REQUEST_TIMEOUT_MS = 3_000; // moleculer.config.ts requestTimeout
const SLACK_MS = 1_500;
const MUG = "prod-0001";
const TEE = "prod-0002";

/** The contract's 503; it names the service that is down unless the gateway already stopped asking the cart. */
function expect503(res: JsonResponse, service: string): void {
	expect(res.status).toBe(503);
	expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
	const { data, ...rest } = res.body;
	expect(rest).toEqual({ name: "ServiceUnavailableError", code: 503, type: "SERVICE_UNAVAILABLE", message: expect.any(String) });
	if (data !== undefined) expect(data).toEqual({ service });
}

describe("the cart across processes", () => {
	const cluster = new TestCluster();
	const token = signToken({ id: "user-cluster", email: "cluster@example.com", role: "customer" });
	let api: string;

	const cart = () => http.get(`${api}/cart`, { token });
	const add = (productId: string, quantity: number) => http.post(`${api}/cart/items`, { productId, quantity }, { token });

	beforeAll(async () => {
		await cluster.start();
		await Promise.all([
			cluster.startNode("gw", { services: ["api"] }),
			cluster.startNode("cart", { services: ["cart"] }),
			cluster.startNode("products", { services: ["products"] }),
			cluster.startNode("inventory", { services: ["inventory"] }),
		]);
		api = `${cluster.url("gw")}/api`;
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("keeps a signed-in user's cart when the cart node restarts", async () => {
		expect((await add(MUG, 2)).status).toBe(200);
		const before = (await cart()).body;
		expect(before.items).toEqual([expect.objectContaining({ productId: MUG, quantity: 2, unitPrice: expect.any(Number) })]);

		await cluster.restart("cart");
		await cluster.waitFor(async () => (await cart()).status === 200, 15_000, "the cart to answer again");
		expect((await cart()).body).toEqual(before);
	}, 30_000);

	it("answers 503 without changing anything while products is down, and prices the cart again once it is back", async () => {
		const before = (await cart()).body;
		cluster.kill("products");

		// Until the cluster notices, each request waits at most its timeout; then 503 at once.
		await cluster.waitFor(
			async () => {
				const res = await cart();
				expect503(res, "products");
				expect(res.ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
				return res.ms < 500;
			},
			15_000,
			"GET /api/cart to answer 503 at once",
		);
		expect503(await add(MUG, 1), "products");
		expect503(await http.put(`${api}/cart/items/${MUG}`, { quantity: 1 }, { token }), "products");

		await cluster.restart("products");
		await cluster.waitFor(async () => (await cart()).status === 200, 15_000, "the cart to be priced again");
		expect((await cart()).body).toEqual(before);
	}, 45_000);

	it("shows the cart without stock figures while inventory is down, and refuses to add", async () => {
		cluster.kill("inventory");
		const killedAt = Date.now();

		// While the cluster notices, and after: the cart shows, in time, without stock figures.
		let shown: JsonResponse;
		do {
			shown = await cart();
			expect(shown.status).toBe(200);
			expect(shown.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
		} while (shown.ms > 500 && Date.now() - killedAt < 15_000);
		expect(shown.body).toMatchObject({ items: [{ productId: MUG, quantity: 2, available: null }], itemCount: 2 });
		expect(shown.body.items[0].problem).toBeUndefined();

		expect503(await add(TEE, 1), "inventory");
		expect503(await http.put(`${api}/cart/items/${MUG}`, { quantity: 3 }, { token }), "inventory");
		// Taking something out needs no stock figure.
		expect((await http.put(`${api}/cart/items/${MUG}`, { quantity: 1 }, { token })).body.items[0]).toMatchObject({ quantity: 1, available: null });

		await cluster.restart("inventory");
		await cluster.waitFor(async () => (await add(TEE, 1)).status === 200, 15_000, "adding to work again");
		expect((await cart()).body.items).toEqual([
			expect.objectContaining({ productId: MUG, quantity: 1, available: stockOf(MUG) }),
			expect.objectContaining({ productId: TEE, quantity: 1, available: stockOf(TEE) }),
		]);
	}, 45_000);
});

function stockOf(productId: string): number {
	return SEED_PRODUCTS.find(p => p.id === productId)!.initialStock;
}
