import { recommend } from "../../services/recommendations/recommend";
import type { Product } from "../../services/products/products.contract";

function product(id: string, price: number, available: number | null, category = "audio"): Product {
	return { id, sku: id.toUpperCase(), name: id, description: "", category, price, currency: "USD", imageUrl: "", available };
}

describe("recommend", () => {
	const target = product("t", 10_000, 3);

	it("never suggests the product itself, another category, or the same product twice", () => {
		const picked = recommend(target, [target, product("a", 10_000, 1), product("a", 10_000, 1), product("x", 10_000, 5, "books")]);
		expect(picked.map(p => p.id)).toEqual(["a"]);
	});

	it("puts in-stock products first, then unknown stock, then sold out, each nearest in price first", () => {
		const picked = recommend(target, [product("sold", 10_001, 0), product("far", 19_000, 4), product("near", 9_500, 1), product("unknown", 10_002, null), product("mid", 12_000, 2)]);
		expect(picked.map(p => p.id)).toEqual(["near", "mid", "far", "unknown"]);
	});

	it("breaks ties by id, so the same data always gives the same answer", () => {
		const picked = recommend(target, [product("b", 11_000, 1), product("a", 9_000, 1)]);
		expect(picked.map(p => p.id)).toEqual(["a", "b"]);
	});

	it("suggests at most four", () => {
		const many = Array.from({ length: 12 }, (_, i) => product(`p${i}`, 10_000 + i, 1));
		expect(recommend(target, many)).toHaveLength(4);
	});
});
