import fs from "node:fs";
import path from "node:path";
import { productSvg, wrap } from "../../lib/seed-catalog/images";
import { CATEGORY_PATTERN, MAX_PRICE } from "../../services/products/query";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { publicDir } from "../../lib/paths";

describe("the seeded catalog", () => {
	it("has at least 40 products in at least 5 categories", () => {
		expect(SEED_PRODUCTS.length).toBeGreaterThanOrEqual(40);
		expect(new Set(SEED_PRODUCTS.map(p => p.category)).size).toBeGreaterThanOrEqual(5);
	});

	it("gives every product a stable id, a unique SKU, a fixed date and its own picture", () => {
		SEED_PRODUCTS.forEach((p, i) => {
			expect(p.id).toBe(`prod-${String(i + 1).padStart(4, "0")}`);
			expect(p.createdAt).toBe(new Date(Date.UTC(2024, 0, 15 + i, 9)).toISOString());
			expect(p.imageUrl).toBe(`/images/products/${p.id}.svg`);
			expect(p.category).toMatch(CATEGORY_PATTERN);
			expect(p.sku).toMatch(/^[A-Z0-9]+(?:-[A-Z0-9]+)*$/);
		});
		expect(new Set(SEED_PRODUCTS.map(p => p.sku)).size).toBe(SEED_PRODUCTS.length);
	});

	it("prices in whole cents, and stocks some products low and some not at all", () => {
		for (const p of SEED_PRODUCTS) {
			expect(Number.isInteger(p.price) && p.price > 0 && p.price <= MAX_PRICE).toBe(true);
			expect(Number.isInteger(p.initialStock) && p.initialStock >= 0).toBe(true);
		}
		expect(SEED_PRODUCTS.filter(p => p.initialStock === 0).length).toBeGreaterThanOrEqual(1);
		expect(SEED_PRODUCTS.filter(p => p.initialStock >= 1 && p.initialStock <= 3).length).toBeGreaterThanOrEqual(3);
	});

	it("ships the pictures the drawing code makes today, each one different", () => {
		const seen = new Set<string>();
		for (const p of SEED_PRODUCTS) {
			const svg = productSvg(p);
			expect(fs.readFileSync(path.join(publicDir, p.imageUrl), "utf8")).toBe(svg);
			seen.add(svg);
		}
		expect(seen.size).toBe(SEED_PRODUCTS.length);
		expect(fs.existsSync(path.join(publicDir, "images/products/placeholder.svg"))).toBe(true);
	});

	it("escapes names in pictures and wraps them onto two lines at most", () => {
		const svg = productSvg({ id: "x", sku: "A&B", name: `<script>alert("1")</script> & more`, category: "audio" });
		expect(svg).not.toContain("<script>");
		expect(svg).toContain("&lt;script&gt;");
		expect(wrap("one two three four five six seven eight nine ten", 10, 2)).toEqual(["one two", "three fou…"]);
	});
});
