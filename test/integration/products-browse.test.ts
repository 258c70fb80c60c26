// Browsing the seeded catalog through the gateway: search, filters, sort and paging, each checked
// against lib/catalog/seed.ts computed independently here.
import fs from "node:fs";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { SEED_PRODUCTS, type SeedProduct } from "../../lib/seed-catalog/seed";
import { publicDir } from "../../lib/paths";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const byId = new Map(SEED_PRODUCTS.map(p => [p.id, p]));
const ids = (rows: { id: string }[]) => rows.map(r => r.id);
const plain = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/** Every row of a query, walking its pages. */
async function all(base: string, query: string, pageSize = 13): Promise<any[]> {
	const rows: any[] = [];
	for (let page = 1; ; page++) {
		const res = await http.get(`${base}/api/products?${query}&page=${page}&pageSize=${pageSize}`);
		expect(res.status).toBe(200);
		rows.push(...res.body.rows);
		if (page >= res.body.totalPages) return rows;
	}
}

describe("browsing the catalog", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, CurrencyService] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("starts with at least 40 seeded products in at least 5 categories", async () => {
		const res = await http.get(`${base}/api/products`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ rows: expect.any(Array), total: SEED_PRODUCTS.length, page: 1, pageSize: 20, totalPages: Math.ceil(SEED_PRODUCTS.length / 20) });
		expect(res.body.total).toBeGreaterThanOrEqual(40);
		expect(res.body.rows).toHaveLength(20);
		expect(new Set(SEED_PRODUCTS.map(p => p.category)).size).toBeGreaterThanOrEqual(5);
	});

	it("shows a product with every field of the contract, price in integer cents", async () => {
		const seed = SEED_PRODUCTS[0];
		const res = await http.get(`${base}/api/products/${seed.id}`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual(
			expect.objectContaining({
				id: seed.id,
				sku: seed.sku,
				name: seed.name,
				description: seed.description,
				category: seed.category,
				price: seed.price,
				currency: "USD",
				imageUrl: `/images/products/${seed.id}.svg`,
				createdAt: seed.createdAt,
			}),
		);
		expect(Number.isInteger(res.body.price)).toBe(true);
		expect(res.body).not.toHaveProperty("keywords");
		expect(res.body).not.toHaveProperty("_id");
	});

	it("answers 404 for a product that does not exist", async () => {
		const res = await http.get(`${base}/api/products/prod-9999`);
		expect(res.status).toBe(404);
		expect(res.body).toEqual(expect.objectContaining({ code: 404, type: "NOT_FOUND" }));
	});

	it("serves every product's image itself, as SVG", async () => {
		for (const seed of SEED_PRODUCTS) expect(fs.existsSync(path.join(publicDir, seed.imageUrl))).toBe(true);
		const res = await fetch(`${base}${SEED_PRODUCTS[5].imageUrl}`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/image\/svg\+xml/);
		expect(await res.text()).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	});

	it("pages through every product exactly once, with stable totals", async () => {
		const rows = await all(base, "sort=price", 7);
		expect(rows).toHaveLength(SEED_PRODUCTS.length);
		expect(new Set(ids(rows)).size).toBe(SEED_PRODUCTS.length);
		const last = await http.get(`${base}/api/products?pageSize=7&page=7`);
		expect(last.body).toEqual(expect.objectContaining({ page: 7, pageSize: 7, total: 48, totalPages: 7 }));
		expect(last.body.rows).toHaveLength(48 - 6 * 7);
	});

	it("answers an empty page past the last one", async () => {
		const res = await http.get(`${base}/api/products?page=50`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ rows: [], total: SEED_PRODUCTS.length, page: 50, pageSize: 20, totalPages: 3 });
	});

	it.each([
		["price", (a: SeedProduct, b: SeedProduct) => a.price - b.price],
		["-price", (a: SeedProduct, b: SeedProduct) => b.price - a.price],
		["name", (a: SeedProduct, b: SeedProduct) => plain(a.name).localeCompare(plain(b.name), "en")],
		["-name", (a: SeedProduct, b: SeedProduct) => plain(b.name).localeCompare(plain(a.name), "en")],
		["createdAt", (a: SeedProduct, b: SeedProduct) => a.createdAt.localeCompare(b.createdAt)],
		["-createdAt", (a: SeedProduct, b: SeedProduct) => b.createdAt.localeCompare(a.createdAt)],
	])("sorts by %s", async (sort, compare) => {
		const rows = await all(base, `sort=${sort}`);
		const got = rows.map(r => byId.get(r.id)!);
		for (let i = 1; i < got.length; i++) expect(compare(got[i - 1], got[i])).toBeLessThanOrEqual(0);
		// Ties break on id, so the same query always gives the same order.
		const again = await all(base, `sort=${sort}`);
		expect(ids(again)).toEqual(ids(rows));
	});

	it("filters by category, and counts each category", async () => {
		const res = await http.get(`${base}/api/categories`);
		expect(res.status).toBe(200);
		const expected = new Map<string, number>();
		for (const p of SEED_PRODUCTS) expected.set(p.category, (expected.get(p.category) ?? 0) + 1);
		expect(new Map(res.body.map((c: any) => [c.name, c.count]))).toEqual(expected);

		const rows = await all(base, "category=audio");
		expect(ids(rows).sort()).toEqual(SEED_PRODUCTS.filter(p => p.category === "audio").map(p => p.id).sort());
		const unknown = await http.get(`${base}/api/products?category=garden-gnomes`);
		expect(unknown.body).toEqual(expect.objectContaining({ rows: [], total: 0, totalPages: 0 }));
	});

	it("filters by price, both ends inclusive", async () => {
		const [min, max] = [2900, 4900];
		const rows = await all(base, `minPrice=${min}&maxPrice=${max}`);
		const expected = SEED_PRODUCTS.filter(p => p.price >= min && p.price <= max).map(p => p.id);
		expect(ids(rows).sort()).toEqual(expected.sort());
		expect(rows.some(r => r.price === min) && rows.some(r => r.price === max)).toBe(true);
		const above = await all(base, "minPrice=30000");
		expect(ids(above).sort()).toEqual(SEED_PRODUCTS.filter(p => p.price >= 30000).map(p => p.id).sort());
	});

	it("combines category, price and sort", async () => {
		const rows = await all(base, "category=outdoor&maxPrice=10000&sort=-price");
		const expected = SEED_PRODUCTS.filter(p => p.category === "outdoor" && p.price <= 10000).sort((a, b) => b.price - a.price || a.id.localeCompare(b.id));
		expect(ids(rows)).toEqual(expected.map(p => p.id));
	});

	it("searches name and description, whatever the case", async () => {
		const expected = SEED_PRODUCTS.filter(p => /\bheadphones\b/i.test(`${p.name} ${p.description}`)).map(p => p.id);
		expect(expected).toEqual(["prod-0017", "prod-0021"]); // the headphones, and a DAC that drives them
		for (const q of ["headphones", "HEADPHONES", "HeadPhones"]) {
			const res = await http.get(`${base}/api/products?q=${q}&sort=createdAt`);
			expect(ids(res.body.rows)).toEqual(expected);
		}
		// "sourdough" is only in the description of The Bread Book.
		const desc = await http.get(`${base}/api/products?q=sourdough`);
		expect(ids(desc.body.rows)).toEqual(["prod-0025"]);
	});

	it("finds words by their beginning, and needs every word of the query", async () => {
		const prefix = await all(base, "q=head");
		const expected = SEED_PRODUCTS.filter(p => /\bhead/i.test(`${p.name} ${p.description}`)).map(p => p.id);
		expect(ids(prefix).sort()).toEqual(expected.sort());
		expect(expected.length).toBeGreaterThan(1);

		const both = await all(base, "q=cast%20iron");
		expect(ids(both).sort()).toEqual(SEED_PRODUCTS.filter(p => /\bcast\b/i.test(`${p.name} ${p.description}`) && /\biron\b/i.test(`${p.name} ${p.description}`)).map(p => p.id).sort());
		expect(both.length).toBeGreaterThan(0);

		const none = await http.get(`${base}/api/products?q=cast%20zeppelin`);
		expect(none.body).toEqual(expect.objectContaining({ rows: [], total: 0 }));
	});

	it("searches within a category and a price range, and totals only what matches", async () => {
		const res = await http.get(`${base}/api/products?q=merino&category=apparel&maxPrice=5000&pageSize=1`);
		const expected = SEED_PRODUCTS.filter(p => p.category === "apparel" && p.price <= 5000 && /\bmerino/i.test(`${p.name} ${p.description}`));
		expect(res.body.total).toBe(expected.length);
		expect(res.body.totalPages).toBe(expected.length);
		expect(expected.map(p => p.id)).toContain(res.body.rows[0].id);
	});

	it("treats a query with no letters or digits as matching nothing, never everything", async () => {
		for (const q of [".*", "%24ne", "%5B%5D", "%7B%7D"]) {
			const res = await http.get(`${base}/api/products?q=${q}`);
			expect(res.status).toBe(200);
			expect(res.body).toEqual(expect.objectContaining({ rows: [], total: 0 }));
		}
	});
});
