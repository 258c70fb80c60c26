import fc from "fast-check";
import { CatalogIndex } from "../../services/products/catalog-index";
import { newProductDoc, type ProductDoc } from "../../services/products/product";
import type { ProductSort } from "../../services/products/products.contract";
import type { CatalogQuery } from "../../services/products/query";
import { queryWords, termsOf } from "../../services/products/search";

const SORTS: ProductSort[] = ["price", "-price", "name", "-name", "createdAt", "-createdAt", "featured"];
const NAMES = ["Oak Desk", "Walnut Desk Lamp", "Steel Kettle", "Copper Kettles", "Wool Scarf", "Linen Scarves", "Brass Lamp", "Cedar Box"];
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every fifth product is one of the shop's picks, some sharing a place. */
function doc(i: number, name: string, category: string, price: number): ProductDoc {
	const featured = i % 5 === 0 ? 1 + (i % 3) : 0;
	return newProductDoc(`p-${String(i).padStart(3, "0")}`, { sku: `SKU-${i}`, name, description: "", category, price, featured }, new Date(Date.UTC(2024, 0, 1 + (i % 7))).toISOString());
}

/** Product `i` written as `w` says (removed, or stored with its name, category and price) to the index and to `current`, the truth. */
function write(index: CatalogIndex, current: Map<number, ProductDoc>, i: number, w: { remove: boolean; name: string; category: string; price: number }): void {
	if (w.remove) {
		index.remove(doc(i, "", "a", 0)._id);
		current.delete(i);
	} else {
		current.set(i, doc(i, w.name, w.category, w.price));
		index.upsert(current.get(i)!);
	}
}

/** What a page must be, computed the slow obvious way. */
function oracle(docs: ProductDoc[], q: CatalogQuery): { ids: string[]; total: number } {
	const key: Record<ProductSort, (d: ProductDoc) => number | string> = {
		price: d => d.price,
		"-price": d => d.price,
		name: d => d.sortName,
		"-name": d => d.sortName,
		createdAt: d => d.createdAt,
		"-createdAt": d => d.createdAt,
		// Picks by place, then the rest; by name within each.
		featured: d => `${String(d.featured || 999_999).padStart(6, "0")}${d.sortName}`,
	};
	const desc = q.sort.startsWith("-");
	const matches = docs.filter(
		d =>
			(q.category === null || d.category === q.category) &&
			(q.minPrice === null || d.price >= q.minPrice) &&
			(q.maxPrice === null || d.price <= q.maxPrice) &&
			(q.words === null || (q.words.length > 0 && q.words.every(w => termsOf(d.name, d.description).some(t => t === w || t.startsWith(w) || t.endsWith(w))))),
	);
	matches.sort((a, b) => {
		const ka = key[q.sort](a);
		const kb = key[q.sort](b);
		const c = typeof ka === "number" ? ka - (kb as number) : text(ka, kb as string);
		return (desc ? -c : c) || text(a._id, b._id);
	});
	const start = (q.page - 1) * q.pageSize;
	return { ids: matches.slice(start, start + q.pageSize).map(d => d._id), total: matches.length };
}

const queryArb = fc.record({
	words: fc.option(fc.subarray(["desk", "kettle", "lamp", "scarf", "oak", "box"], { maxLength: 2 }), { nil: null }),
	category: fc.option(fc.constantFrom("a", "b", "c"), { nil: null }),
	minPrice: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
	maxPrice: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
	sort: fc.constantFrom(...SORTS),
	page: fc.integer({ min: 1, max: 5 }),
	pageSize: fc.integer({ min: 1, max: 12 }),
});

describe("catalog read model", () => {
	it("answers every filter, sort, search and page as sorting the whole catalog would", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b", "c"), price: fc.integer({ min: 0, max: 50 }) }), { maxLength: 60 }),
				fc.array(queryArb, { minLength: 1, maxLength: 5 }),
				(products, queries) => {
					const docs = products.map((p, i) => doc(i, p.name, p.category, p.price));
					const index = new CatalogIndex("USD");
					index.load(docs);
					for (const q of queries) {
						const page = index.query(q);
						const expected = oracle(docs, q);
						expect({ ids: page.rows.map(r => r.id), total: page.total }).toEqual(expected);
					}
				},
			),
			{ numRuns: 300 },
		);
	});

	it("stays in step with creations, changes and removals, one at a time", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ slot: fc.integer({ min: 0, max: 15 }), name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b"), price: fc.integer({ min: 0, max: 50 }), remove: fc.boolean() }), { maxLength: 40 }),
				queryArb,
				(writes, q) => {
					const index = new CatalogIndex("USD");
					const current = new Map<number, ProductDoc>();
					for (const w of writes) {
						if (w.remove) {
							index.remove(doc(w.slot, "", "a", 0)._id);
							current.delete(w.slot);
						} else {
							const d = doc(w.slot, w.name, w.category, w.price);
							index.upsert(d);
							current.set(w.slot, d);
						}
					}
					const page = index.query(q);
					expect({ ids: page.rows.map(r => r.id), total: page.total }).toEqual(oracle([...current.values()], q));
					const counts = new Map<string, number>();
					for (const d of current.values()) counts.set(d.category, (counts.get(d.category) ?? 0) + 1);
					expect(index.categories()).toEqual([...counts].map(([name, count]) => ({ name, count })).sort((a, b) => text(a.name, b.name)));
				},
			),
			{ numRuns: 300 },
		);
	});

	// Hundreds of products on eight names: every word is held by many, so its posting gets a bitmap
	// and pages are found by walking an order (the paths a 100,000-product catalog takes).
	it("answers as the oracle does on a catalog where words are common, through loads, changes and removals", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b", "c"), price: fc.integer({ min: 0, max: 50 }) }), { minLength: 300, maxLength: 600 }),
				fc.array(fc.record({ at: fc.nat(), name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b", "c"), price: fc.integer({ min: 0, max: 50 }), remove: fc.boolean() }), { maxLength: 30 }),
				fc.array(queryArb, { minLength: 1, maxLength: 5 }),
				(products, writes, queries) => {
					const current = new Map(products.map((p, i) => [i, doc(i, p.name, p.category, p.price)]));
					const index = new CatalogIndex("USD");
					index.load([...current.values()]);
					writes.forEach(w => write(index, current, w.at % (products.length + 10), w));
					for (const q of queries) {
						const page = index.query(q);
						expect({ ids: page.rows.map(r => r.id), total: page.total }).toEqual(oracle([...current.values()], q));
					}
				},
			),
			{ numRuns: 60 },
		);
	});

	// A category's bitmap (searches in a category cross it with the words' bitmaps) must follow the
	// slots: past 1024 products it grows, a removed product's bit is cleared, a freed slot reused.
	it("searches within a category as the oracle does while the catalog grows past its bitmaps' size", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b", "c"), price: fc.integer({ min: 0, max: 50 }) }), { minLength: 900, maxLength: 1000 }),
				fc.array(fc.record({ at: fc.nat(), name: fc.constantFrom(...NAMES), category: fc.constantFrom("a", "b", "c"), price: fc.integer({ min: 0, max: 50 }), remove: fc.boolean() }), { minLength: 150, maxLength: 250 }),
				fc.array(fc.record({ words: fc.subarray(["desk", "kettle", "lamp", "scarf", "oak"], { minLength: 1, maxLength: 2 }), category: fc.constantFrom("a", "b", "c"), sort: fc.constantFrom(...SORTS), page: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }),
				(products, writes, queries) => {
					const current = new Map(products.map((p, i) => [i, doc(i, p.name, p.category, p.price)]));
					const index = new CatalogIndex("USD");
					index.load([...current.values()]);
					// New products first (the catalog passes 1024 slots), then any of them changed or removed.
					writes.forEach((w, k) => write(index, current, k < 130 ? products.length + k : w.at % (products.length + 130), w));
					for (const { words, category, sort, page } of queries) {
						const q: CatalogQuery = { words, category, minPrice: null, maxPrice: null, sort, page, pageSize: 10 };
						const answer = index.query(q);
						expect({ ids: answer.rows.map(r => r.id), total: answer.total }).toEqual(oracle([...current.values()], q));
					}
				},
			),
			// No shrinking: a thousand products shrink for minutes; the first failing case is shown whole.
			{ numRuns: 15, endOnFailure: true },
		);
	});

	it("finds nothing for a search without a word", () => {
		const index = new CatalogIndex("USD");
		index.load([doc(1, "Oak Desk", "a", 10)]);
		expect(index.query({ words: queryWords("$%^"), category: null, minPrice: null, maxPrice: null, sort: "name", page: 1, pageSize: 20 })).toEqual({ rows: [], total: 0 });
	});
});

describe("loading the catalog", () => {
	it("replaces what the read model held, so a reload never counts a product twice", () => {
		const index = new CatalogIndex("USD");
		index.load([doc(1, "Oak Desk", "a", 10), doc(2, "Brass Lamp", "a", 20)]);
		index.load([doc(2, "Brass Lamp", "a", 20), doc(3, "Cedar Box", "b", 30), doc(1, "Oak Desk", "a", 10)]);
		const page = index.query({ words: null, category: null, minPrice: null, maxPrice: null, sort: "name", page: 1, pageSize: 20 });
		expect(page.rows.map(r => r.id)).toEqual(["p-002", "p-003", "p-001"]);
		expect(page.total).toBe(3);
	});
});

describe("what the read model holds", () => {
	const all: CatalogQuery = { words: null, category: null, minPrice: null, maxPrice: null, sort: "name", page: 1, pageSize: 20 };

	it("holds the documents it is given, never changed, and answers with a new product each time", () => {
		const docs = [doc(1, "Oak Desk", "a", 10), doc(2, "Brass Lamp", "a", 20)];
		const before = JSON.parse(JSON.stringify(docs));
		const index = new CatalogIndex("USD");
		index.load(docs);
		const [first] = index.query(all).rows;
		first.name = "changed by a caller";
		first.price = 1;
		const [again] = index.query(all).rows;
		expect(again).not.toBe(first);
		expect(again).toMatchObject({ id: "p-002", name: "Brass Lamp", price: 20, currency: "USD", available: null });
		expect(index.byIds(["p-002"]).found[0]).not.toBe(index.byIds(["p-002"]).found[0]);
		expect(docs).toEqual(before);
	});
});
