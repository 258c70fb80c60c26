import { cacheKey, Generations } from "../../services/products/cache";

describe("catalog cache keys", () => {
	it("moves an answer about one product to a new key when that product's stock changes, and only then", () => {
		const g = new Generations();
		const [a, b] = [g.productKey("p1"), g.productKey("p2")];
		g.stockChanged(["p1"]);
		expect(g.productKey("p1")).not.toBe(a);
		expect(g.productKey("p2")).toBe(b);
	});

	it("moves every page on any stock change, but keeps product data", () => {
		const g = new Generations();
		const [pages, catalog] = [g.pagesKey(), g.catalogKey()];
		g.stockChanged(["p9"]);
		expect(g.pagesKey()).not.toBe(pages);
		expect(g.catalogKey()).toBe(catalog);
	});

	it("moves everything when a product changes", () => {
		const g = new Generations();
		const before = [g.catalogKey(), g.pagesKey(), g.productKey("p1")];
		g.productsChanged();
		[g.catalogKey(), g.pagesKey(), g.productKey("p1")].forEach((key, i) => expect(key).not.toBe(before[i]));
	});

	it("never shares keys between two instances, even at the same counts (one Redis, many nodes)", () => {
		expect(new Generations().pagesKey()).not.toBe(new Generations().pagesKey());
	});

	it("keeps a string and an operator object apart", () => {
		expect(cacheKey("products.list", "g", { q: '{"$ne":"x"}' })).not.toBe(cacheKey("products.list", "g", { q: { $ne: "x" } }));
	});

	it("keeps keys short whatever the params", () => {
		const key = cacheKey("products.list", "g", { q: "x".repeat(10_000) });
		expect(key.length).toBeLessThan(100);
		expect(key).not.toBe(cacheKey("products.list", "g", { q: "x".repeat(10_001) }));
	});
});
