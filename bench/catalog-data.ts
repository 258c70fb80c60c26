// A made-up catalog of any size, the same at every run: what the catalog and startup benchmarks fill the store with.
import type { ProductDoc } from "../services/products/product";

const ADJECTIVES = ["Compact", "Classic", "Rugged", "Quiet", "Smart", "Foldable", "Heated", "Wireless", "Organic", "Vintage", "Modular", "Portable", "Insulated", "Handmade", "Recycled", "Ultralight", "Waterproof", "Cordless", "Ceramic", "Bamboo"];
const NOUNS = ["Kettle", "Lantern", "Backpack", "Speaker", "Notebook", "Jacket", "Desk", "Skillet", "Blanket", "Headlamp", "Teapot", "Keyboard", "Tent", "Scarf", "Planter", "Mug", "Chair", "Tripod", "Grinder", "Clock"];
const EXTRAS = ["oak", "steel", "linen", "wool", "brass", "walnut", "cotton", "copper", "granite", "cedar", "canvas", "leather", "glass", "cork", "hemp"];
const FILLER = ["made", "to", "last", "for", "everyday", "use", "with", "a", "soft", "finish", "and", "careful", "details", "easy", "clean", "gift", "ready", "tested", "by", "our", "team"];
const CATEGORIES = Array.from({ length: 24 }, (_, i) => `category-${String(i + 1).padStart(2, "0")}`);

/** A deterministic pseudo-random sequence, so every run benches the same catalog. */
export function rng(seed: number): () => number {
	let s = seed;
	return () => {
		s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
		return s / 2_147_483_648;
	};
}

export function generate(n: number, make: (id: string, input: any, createdAt: string) => ProductDoc): ProductDoc[] {
	const rand = rng(42);
	const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
	const base = Date.UTC(2023, 0, 1);
	return Array.from({ length: n }, (_, i) => {
		const name = `${pick(ADJECTIVES)} ${pick(EXTRAS)} ${pick(NOUNS)} ${i}`;
		const words = Array.from({ length: 12 }, () => (rand() < 0.25 ? pick(EXTRAS) : pick(FILLER)));
		const input = { sku: `BENCH-${i}`, name, description: `${words.join(" ")}.`, category: pick(CATEGORIES), price: 500 + Math.floor(rand() * 50_000) };
		return make(`bench-${i}`, input, new Date(base + i * 60_000).toISOString());
	});
}
