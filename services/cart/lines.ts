// The rules of a cart's lines, apart from any store or service: what a cart may hold and how
// two carts become one. Pure functions, so the rules are tested on their own.
import { ConflictError, NotFoundError, OutOfStockError, ServiceDownError } from "../../lib/errors";
import { MAX_QUANTITY, type CappedLine, type CartLineRef } from "./cart.contract";
import type { CatalogSnapshot } from "./catalog";

export { MAX_QUANTITY };
/** Most distinct products in one cart: every read prices them all in one batched call. */
export const MAX_LINES = 100;

export function quantityOf(lines: readonly CartLineRef[], productId: string): number {
	return lines.find(l => l.productId === productId)?.quantity ?? 0;
}

/** The lines with `productId` at `quantity`: a new product goes last, 0 removes the line. */
export function withQuantity(lines: readonly CartLineRef[], productId: string, quantity: number): CartLineRef[] {
	if (quantity <= 0) return lines.filter(l => l.productId !== productId);
	if (!lines.some(l => l.productId === productId)) return [...lines, { productId, quantity }];
	return lines.map(l => (l.productId === productId ? { productId, quantity } : l));
}

/**
 * A guest cart added into a user's cart. Quantities add up, capped at MAX_QUANTITY and at what is
 * available (when known); the user's own quantities are never lowered by a merge. Lines past
 * MAX_LINES, or of a product with nothing available, are left out. What did not fit in full is
 * listed in `capped`.
 */
export function mergeLines(
	into: readonly CartLineRef[],
	from: readonly CartLineRef[],
	available: ReadonlyMap<string, number> | null,
): { lines: CartLineRef[]; capped: CappedLine[] } {
	let lines = [...into];
	const capped: CappedLine[] = [];
	for (const { productId, quantity } of from) {
		const had = quantityOf(lines, productId);
		const requested = had + quantity;
		let limit = MAX_QUANTITY;
		if (available) limit = Math.min(limit, available.get(productId) ?? 0);
		if (had === 0 && lines.length >= MAX_LINES) limit = 0;
		const kept = Math.max(had, Math.min(requested, limit));
		if (kept < requested) capped.push({ productId, requested, kept });
		lines = withQuantity(lines, productId, kept);
	}
	return { lines, capped };
}

/**
 * The lines left once an order's lines are taken out: each quantity down by what was bought,
 * lines at 0 gone. What was added after the order (more of a product, or a new one) stays.
 */
export function withoutOrdered(lines: readonly CartLineRef[], ordered: readonly CartLineRef[]): CartLineRef[] {
	let left = [...lines];
	for (const { productId, quantity } of ordered) left = withQuantity(left, productId, quantityOf(left, productId) - quantity);
	return left;
}

/** Refuses a new product once the cart holds as many as it may (checked before reading the catalog for them all). */
export function checkRoom(lines: readonly CartLineRef[], productId: string): void {
	if (lines.length >= MAX_LINES && !quantityOf(lines, productId)) {
		throw new ConflictError(`A cart holds at most ${MAX_LINES} different products`, "CART_FULL", { max: MAX_LINES });
	}
}

/** Refuses to raise a line to `target` unless the product exists, fits the rules and is in stock. */
export function checkIncrease(snap: CatalogSnapshot, lines: readonly CartLineRef[], productId: string, target: number): void {
	if (!snap.products.has(productId)) throw new NotFoundError("Product", { productId });
	if (target > MAX_QUANTITY) {
		throw new ConflictError(`A cart holds at most ${MAX_QUANTITY} of one product`, "QUANTITY_LIMIT", { productId, max: MAX_QUANTITY, inCart: quantityOf(lines, productId) });
	}
	checkRoom(lines, productId);
	// Never let an unknown quantity through: without inventory, adding waits.
	if (!snap.available) throw new ServiceDownError("inventory");
	const available = snap.available.get(productId) ?? 0;
	if (target > available) throw new OutOfStockError([{ productId, requested: target, available }]);
}

/** The product ids of `lines`, and `extra`. */
export function idsWith(lines: readonly CartLineRef[], extra: string): string[] {
	return [...new Set([...lines.map(l => l.productId), extra])];
}
