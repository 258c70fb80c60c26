// Every way stock moves, as one conditional atomic update of one product's record
// (Store.updateMany → 1 when it happened, 0 when its condition did not hold). Each is keyed by
// the order: its condition tests the order's mark on the record and its update sets or clears
// that mark together with the counters, so repeating a move never moves the stock twice.
import type { Filter, Update } from "../../mixins/db.mixin";
import type { OrderLine } from "./inventory.contract";

export interface Move {
	filter: Filter;
	update: Update;
}

const hold = (orderId: string) => `holds.${orderId}`;
const giveBackMark = (orderId: string) => `returns.${orderId}`;

/** Hold `quantity` for the order, only if that many are available and the order holds none yet. */
export function take(orderId: string, { productId, quantity }: OrderLine, now: number): Move {
	return {
		filter: { _id: productId, available: { $gte: quantity }, [hold(orderId)]: { $exists: false } },
		update: { $inc: { available: -quantity, reserved: quantity }, $set: { [hold(orderId)]: quantity, updatedAt: now } },
	};
}

/** Give a held line back. */
export function unhold(orderId: string, { productId, quantity }: OrderLine, now: number): Move {
	return {
		filter: { _id: productId, [hold(orderId)]: { $exists: true } },
		update: { $inc: { available: quantity, reserved: -quantity }, $unset: { [hold(orderId)]: true }, $set: { updatedAt: now } },
	};
}

/** Turn a held line into a sale: the units leave the shelf. */
export function sell(orderId: string, { productId, quantity }: OrderLine, now: number): Move {
	return {
		filter: { _id: productId, [hold(orderId)]: { $exists: true } },
		update: { $inc: { reserved: -quantity, sold: quantity }, $unset: { [hold(orderId)]: true }, $set: { updatedAt: now } },
	};
}

/**
 * Put a sold line back on the shelf (a cancelled order). The mark stays until every line of the
 * order is back and the reservation says so (see `unmark`); a sale leaves no mark to test, so
 * this one is what makes a repeated return a no-op.
 */
export function restock(orderId: string, { productId, quantity }: OrderLine, now: number): Move {
	return {
		filter: { _id: productId, [giveBackMark(orderId)]: { $exists: false } },
		update: { $inc: { available: quantity, sold: -quantity }, $set: { [giveBackMark(orderId)]: quantity, updatedAt: now } },
	};
}

/** Clear the mark `restock` left, once the reservation records that the return is complete. */
export function unmark(orderId: string, { productId }: OrderLine, now: number): Move {
	return {
		filter: { _id: productId, [giveBackMark(orderId)]: { $exists: true } },
		update: { $unset: { [giveBackMark(orderId)]: true }, $set: { updatedAt: now } },
	};
}
