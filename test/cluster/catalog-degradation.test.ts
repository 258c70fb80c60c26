// The catalog on its own node, with the gateway, inventory, currency and recommendations on
// theirs. Each optional neighbour is killed (kill -9) in turn: the catalog routes keep answering
// 200 as the contract says, quickly, and show full answers again once the neighbour is back.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { convertMinor } from "../../services/currency/convert";
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";

/** The products service waits 500 ms for an optional neighbour; the rest is slack for a loaded machine. */
const DEGRADED_ANSWER_MS = 2_000;
const stockOf = new Map(SEED_PRODUCTS.map(p => [p.id, p.initialStock]));
const priceOf = new Map(SEED_PRODUCTS.map(p => [p.id, p.price]));

describe("the catalog with its neighbours killed", () => {
	const cluster = new TestCluster();
	let api: string;

	beforeAll(async () => {
		await cluster.start();
		await Promise.all(["api", "products", "inventory", "currency", "recommendations"].map(s => cluster.startNode(s, { services: [s] })));
		api = `${cluster.url("api")}/api`;
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("answers in full while every neighbour is up", async () => {
		const list = await http.get(`${api}/products?category=audio&currency=EUR`);
		expect(list.status).toBe(200);
		for (const row of list.body.rows) expect(row).toEqual(expect.objectContaining({ available: stockOf.get(row.id), currency: "EUR", price: convertMinor(priceOf.get(row.id)!, "USD", "EUR") }));
		const recs = await http.get(`${api}/products/prod-0017/recommendations`);
		expect(recs.body).toHaveLength(4);
	});

	it("shows available: null while inventory is dead, and figures again once it is back", async () => {
		cluster.kill("inventory");
		for (let i = 0; i < 3; i++) {
			const list = await http.get(`${api}/products?category=books&pageSize=${5 + i}`);
			expect(list.status).toBe(200);
			expect(list.ms).toBeLessThan(DEGRADED_ANSWER_MS);
			expect(list.body.rows.length).toBe(5 + i);
			expect(list.body.rows.every((r: any) => r.available === null)).toBe(true);
			const one = await http.get(`${api}/products/prod-002${i}`);
			expect(one.status).toBe(200);
			expect(one.ms).toBeLessThan(DEGRADED_ANSWER_MS);
			expect(one.body.available).toBeNull();
		}
		expect((await http.get(`${api}/categories`)).status).toBe(200);
		const recs = await http.get(`${api}/products/prod-0025/recommendations`);
		expect(recs.status).toBe(200);

		await cluster.restart("inventory");
		await cluster.waitFor(async () => (await http.get(`${api}/products/prod-0020`)).body.available === stockOf.get("prod-0020"), 15_000, "available to come back");
		const list = await http.get(`${api}/products?category=books&pageSize=5`);
		expect(list.body.rows.every((r: any) => r.available === stockOf.get(r.id))).toBe(true);
	}, 60_000);

	it("keeps prices in dollars, still a 200, while currency is dead", async () => {
		cluster.kill("currency");
		for (const path of ["/products?currency=EUR&category=office", "/products/prod-0035?currency=EUR"]) {
			const res = await http.get(`${api}${path}`);
			expect(res.status).toBe(200);
			expect(res.ms).toBeLessThan(DEGRADED_ANSWER_MS);
			const rows = res.body.rows ?? [res.body];
			for (const row of rows) expect(row).toEqual(expect.objectContaining({ currency: "USD", price: priceOf.get(row.id) }));
		}

		await cluster.restart("currency");
		await cluster.waitFor(async () => (await http.get(`${api}/products/prod-0035?currency=EUR`)).body.currency === "EUR", 15_000, "prices in euros again");
	}, 60_000);

	it("answers 200 [] for recommendations while that service is dead, and the catalog as usual", async () => {
		cluster.kill("recommendations");
		for (let i = 0; i < 3; i++) {
			const res = await http.get(`${api}/products/prod-0017/recommendations`);
			expect(res.status).toBe(200);
			expect(res.body).toEqual([]);
			expect(res.ms).toBeLessThan(1_500);
		}
		const one = await http.get(`${api}/products/prod-0017`);
		expect(one.body).toEqual(expect.objectContaining({ id: "prod-0017", available: stockOf.get("prod-0017") }));
	}, 30_000);
});
