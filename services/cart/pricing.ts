// A cart as the shopper sees it: stored lines priced from the catalog at the time of reading.
import type { Cart, CartLine, CartLineRef } from "./cart.contract";

export interface PricedProduct {
	name: string;
	/** Unit price in minor units of the cart's currency. */
	price: number;
}

export interface PricingInput {
	lines: readonly CartLineRef[];
	/** The products that exist, by id; a line whose product is missing here is gone from the catalog. */
	products: ReadonlyMap<string, PricedProduct>;
	/** What can be bought now, by id (absent: none); null when inventory cannot be asked. */
	available: ReadonlyMap<string, number> | null;
	currency: string;
}

/**
 * Integer arithmetic only: lineTotal = unitPrice × quantity, subtotal = Σ lineTotal, exact in
 * minor units. A gone product is listed (so the shopper sees what happened) with no price and
 * counts in neither subtotal nor itemCount; a line wanting more than is available still counts.
 */
export function priceCart({ lines, products, available, currency }: PricingInput): Cart {
	let subtotal = 0;
	let itemCount = 0;
	const items = lines.map(({ productId, quantity }): CartLine => {
		const product = products.get(productId);
		if (!product) {
			return { productId, name: null, unitPrice: null, quantity, lineTotal: null, available: 0, problem: "product-gone" };
		}
		const lineTotal = product.price * quantity;
		subtotal += lineTotal;
		itemCount += quantity;
		const left = available ? (available.get(productId) ?? 0) : null;
		const line: CartLine = { productId, name: product.name, unitPrice: product.price, quantity, lineTotal, available: left };
		if (left !== null && left < quantity) line.problem = "not-enough-stock";
		return line;
	});
	if (!Number.isSafeInteger(subtotal)) throw new RangeError(`Cart subtotal ${subtotal} is beyond exact integer arithmetic`);
	return { items, itemCount, subtotal, currency };
}
