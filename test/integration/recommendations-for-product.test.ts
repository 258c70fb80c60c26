// GET /api/products/:id/recommendations with the real products, inventory and currency services.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { convertMinor } from "../../services/currency/convert";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import InventoryService from "../../services/inventory/inventory.service";
import ProductsService from "../../services/products/products.service";
import RecommendationsService from "../../services/recommendations/recommendations.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

/** The expected answer, computed from the seed: same category, in stock first, nearest price, then id. */
function expectedFor(id: string): string[] {
	const target = SEED_PRODUCTS.find(p => p.id === id)!;
	return SEED_PRODUCTS.filter(p => p.category === target.category && p.id !== id)
		.sort((a, b) => Number(b.initialStock > 0) - Number(a.initialStock > 0) || Math.abs(a.price - target.price) - Math.abs(b.price - target.price) || a.id.localeCompare(b.id))
		.slice(0, 4)
		.map(p => p.id);
}

describe("recommendations", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, InventoryService, CurrencyService, RecommendationsService] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("suggests four other products of the same category, in stock first, then nearest in price", async () => {
		for (const id of ["prod-0003", "prod-0017", "prod-0033", "prod-0045"]) {
			const res = await http.get(`${base}/api/products/${id}/recommendations`);
			expect(res.status).toBe(200);
			expect(res.body.map((p: any) => p.id)).toEqual(expectedFor(id));
		}
	});

	it("puts a sold-out product behind in-stock ones even when it is nearer in price", async () => {
		// The Pour-Over Dripper (24.00): the sold-out Pepper Mill (32.00) is the second nearest.
		const res = await http.get(`${base}/api/products/prod-0003/recommendations`);
		const ids = res.body.map((p: any) => p.id);
		expect(ids).not.toContain("prod-0006");
		expect(ids[0]).toBe("prod-0008"); // the scale, 29.00, in stock
		expect(res.body.every((p: any) => p.available > 0 && p.category === "kitchen")).toBe(true);
	});

	it("never suggests the product itself, and answers whole products", async () => {
		const res = await http.get(`${base}/api/products/prod-0020/recommendations`);
		expect(res.body.map((p: any) => p.id)).not.toContain("prod-0020");
		expect(res.body[0]).toEqual(
			expect.objectContaining({ id: expect.any(String), sku: expect.any(String), name: expect.any(String), price: expect.any(Number), currency: "USD", imageUrl: expect.any(String), available: expect.any(Number) }),
		);
	});

	it("shows prices in the currency asked for", async () => {
		const usd = await http.get(`${base}/api/products/prod-0017/recommendations`);
		const eur = await http.get(`${base}/api/products/prod-0017/recommendations?currency=EUR`);
		expect(eur.body.map((p: any) => p.id)).toEqual(usd.body.map((p: any) => p.id));
		eur.body.forEach((p: any, i: number) => expect(p).toEqual(expect.objectContaining({ currency: "EUR", price: convertMinor(usd.body[i].price, "USD", "EUR") })));
	});

	it("answers 404 for a product that does not exist", async () => {
		const res = await http.get(`${base}/api/products/prod-9999/recommendations`);
		expect(res.status).toBe(404);
	});

	it("still suggests, with available: null, while inventory is down", async () => {
		await broker.destroyService(broker.getLocalService("inventory"));
		const res = await http.get(`${base}/api/products/prod-0025/recommendations`);
		expect(res.status).toBe(200);
		expect(res.body).toHaveLength(4);
		expect(res.body.every((p: any) => p.available === null && p.category === "books")).toBe(true);
	});

	it("answers 200 [] at once while recommendations is down", async () => {
		await broker.destroyService(broker.getLocalService("recommendations"));
		const res = await http.get(`${base}/api/products/prod-0017/recommendations`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual([]);
		expect(res.ms).toBeLessThan(500);
	});
});
