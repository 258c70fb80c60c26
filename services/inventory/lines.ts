// An order's lines, in the one shape the ledger stores and compares: one line per product,
// sorted by product id.
import type { OrderLine } from "./inventory.contract";

/**
 * Sums the quantities of repeated products and sorts by product id. Every reservation takes its
 * lines in this order, so two orders that want the same products never each hold one of them
 * while waiting for the other's: one of the two is turned away at its first line.
 */
export function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
	const byProduct = new Map<string, number>();
	for (const { productId, quantity } of lines) byProduct.set(productId, (byProduct.get(productId) ?? 0) + quantity);
	return [...byProduct]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([productId, quantity]) => ({ productId, quantity }));
}

/** True when both ask for the same quantity of the same products (after merging). */
export function sameLines(a: readonly OrderLine[], b: readonly OrderLine[]): boolean {
	const x = mergeLines(a);
	const y = mergeLines(b);
	return x.length === y.length && x.every((line, i) => line.productId === y[i].productId && line.quantity === y[i].quantity);
}
