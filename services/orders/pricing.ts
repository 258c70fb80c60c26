// The order's lines and totals, from the catalog's prices and the shipping quote: never from
// anything the client sent.
import { OutOfStockError } from "../../lib/errors";
import type { Product } from "../products/products.contract";
import type { OrderLine } from "../inventory/inventory.contract";
import type { OrderItem } from "./orders.contract";

/** One line per product, quantities added up (a cart should not repeat one, but an order never does). */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
	const byProduct = new Map<string, number>();
	for (const { productId, quantity } of lines) byProduct.set(productId, (byProduct.get(productId) ?? 0) + quantity);
	return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Priced items in cart order. A product the catalog no longer has cannot be bought: 409, like
 * any other line that cannot be had. A price in another currency than the base is a catalog
 * bug, and is treated as one rather than charged wrongly.
 */
export function priceItems(lines: readonly OrderLine[], products: readonly Product[], currency: string): OrderItem[] {
	const byId = new Map(products.map(p => [p.id, p]));
	const gone = lines.filter(l => !byId.has(l.productId));
	if (gone.length) throw new OutOfStockError(gone.map(l => ({ productId: l.productId, requested: l.quantity, available: 0 })));
	return lines.map(({ productId, quantity }) => {
		const product = byId.get(productId) as Product;
		if (product.currency !== currency) throw new Error(`Product ${productId} is priced in ${product.currency}, not the base currency ${currency}`);
		if (!Number.isInteger(product.price) || product.price < 0) throw new Error(`Product ${productId} has no valid price`);
		return { productId, name: product.name, unitPrice: product.price, quantity, lineTotal: product.price * quantity };
	});
}

export interface Totals {
	subtotal: number;
	shippingCost: number;
	total: number;
}

export function totals(items: readonly OrderItem[], shippingCost: number): Totals {
	if (!Number.isInteger(shippingCost) || shippingCost < 0) throw new Error(`Invalid shipping cost ${shippingCost}`);
	const subtotal = items.reduce((sum, i) => sum + i.lineTotal, 0);
	return { subtotal, shippingCost, total: subtotal + shippingCost };
}
