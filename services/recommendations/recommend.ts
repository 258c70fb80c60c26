// Which products to suggest beside one a shopper is looking at.
import type { Product } from "../products/products.contract";

export const MAX_RECOMMENDATIONS = 4;

/** In stock first, then unknown (inventory down), then sold out. */
function stockRank(p: Product): number {
	if (p.available === null) return 1;
	return p.available > 0 ? 0 : 2;
}

/**
 * Up to `limit` products from `candidates` of the same category as `product`, never `product`
 * itself nor the same one twice: in stock first, then nearest in price, then by id so that the
 * same data always gives the same answer.
 */
export function recommend(product: Product, candidates: readonly Product[], limit = MAX_RECOMMENDATIONS): Product[] {
	const unique = new Map<string, Product>();
	for (const c of candidates) if (c.id !== product.id && c.category === product.category) unique.set(c.id, c);
	const distance = (p: Product) => Math.abs(p.price - product.price);
	return [...unique.values()]
		.sort((a, b) => stockRank(a) - stockRank(b) || distance(a) - distance(b) || a.id.localeCompare(b.id))
		.slice(0, limit);
}
