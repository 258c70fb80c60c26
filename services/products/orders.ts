// The seven orders a catalog page can ask for, each a list of slots (catalog-index.ts), and how
// they are made: at load, three sorts (price, name, createdAt) and the other four derived from
// them in one pass each, for the whole catalog, then each category's taken out of those in one
// pass (a category's order is the whole order without the others); after that, one product at a
// time by binary search.
import type { ProductSort } from "./products.contract";
import { SlotList } from "./slot-list";

export const SORTS: readonly ProductSort[] = ["price", "-price", "name", "-name", "createdAt", "-createdAt", "featured"];
export type Orders = Record<ProductSort, SlotList>;
export type Compare = (a: number, b: number) => number;

/** Not one of the shop's picks: after every pick. */
export const NOT_A_PICK = 0xffffffff;

/** What the orders compare, by slot. The arrays may be replaced as they grow: read them at each comparison. */
export interface Columns {
	ids: string[];
	sortNames: string[];
	createdAts: string[];
	prices: Float64Array;
	/** Place among the picks, NOT_A_PICK for the rest. */
	picks: Uint32Array;
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Ties always break on id (ascending, in both directions), so pages never overlap. */
export function comparators(c: Columns): Record<ProductSort, Compare> {
	const id = (a: number, b: number) => text(c.ids[a], c.ids[b]);
	const name = (a: number, b: number) => text(c.sortNames[a], c.sortNames[b]) || id(a, b);
	return {
		price: (a, b) => c.prices[a] - c.prices[b] || id(a, b),
		"-price": (a, b) => c.prices[b] - c.prices[a] || id(a, b),
		name,
		"-name": (a, b) => text(c.sortNames[b], c.sortNames[a]) || id(a, b),
		createdAt: (a, b) => text(c.createdAts[a], c.createdAts[b]) || id(a, b),
		"-createdAt": (a, b) => text(c.createdAts[b], c.createdAts[a]) || id(a, b),
		// The shop's picks in their order, then the rest as "name" has them (a list a shopper can scan).
		featured: (a, b) => c.picks[a] - c.picks[b] || name(a, b),
	};
}

/** Every order of `slots` (the whole catalog). */
export function buildOrders(slots: readonly number[], c: Columns, cmp: Record<ProductSort, Compare>): Orders {
	// A JS array sorts faster than a typed one with a comparator (TimSort, and runs already in order are found).
	const sorted = (compare: Compare) => Int32Array.from(slots.slice().sort(compare));
	const price = sorted(cmp.price);
	const name = sorted(cmp.name);
	const createdAt = sorted(cmp.createdAt);
	return {
		price: SlotList.of(price),
		"-price": SlotList.of(descending(price, (a, b) => c.prices[a] === c.prices[b])),
		name: SlotList.of(name),
		"-name": SlotList.of(descending(name, (a, b) => c.sortNames[a] === c.sortNames[b])),
		createdAt: SlotList.of(createdAt),
		"-createdAt": SlotList.of(descending(createdAt, (a, b) => c.createdAts[a] === c.createdAts[b])),
		featured: SlotList.of(featured(name, c.picks, cmp.featured)),
	};
}

/**
 * Each category's orders, taken out of the whole catalog's: `categoryOf` gives a slot's category
 * as a number below `categories`.
 */
export function ordersByCategory(all: Orders, categoryOf: Int32Array, categories: number): Orders[] {
	const sizes = new Int32Array(categories);
	const whole = all.name.view();
	for (const n of whole) sizes[categoryOf[n]]++;
	const out = Array.from(sizes, () => ({}) as Orders);
	for (const sort of SORTS) {
		const lists = Array.from(sizes, size => new Int32Array(size));
		const filled = new Int32Array(categories);
		for (const n of all[sort].view()) {
			const category = categoryOf[n];
			lists[category][filled[category]++] = n;
		}
		lists.forEach((list, category) => (out[category][sort] = SlotList.of(list)));
	}
	return out;
}

export function emptyOrders(): Orders {
	return Object.fromEntries(SORTS.map(sort => [sort, new SlotList()])) as Orders;
}

export function insertInOrder(list: SlotList, slot: number, compare: Compare): void {
	list.insert(
		list.lowerBound(n => compare(n, slot) < 0),
		slot,
	);
}

export function removeFromOrder(list: SlotList, slot: number, compare: Compare): void {
	const at = list.lowerBound(n => compare(n, slot) < 0);
	if (at < list.length && list.at(at) === slot) list.removeAt(at);
}

/** An ascending order turned descending, ties kept in ascending id order: runs of equal keys are reversed as wholes. */
function descending(ascending: Int32Array, same: (a: number, b: number) => boolean): Int32Array {
	const out = new Int32Array(ascending.length);
	let k = 0;
	for (let end = ascending.length; end > 0; ) {
		let start = end - 1;
		while (start > 0 && same(ascending[start - 1], ascending[end - 1])) start--;
		out.set(ascending.subarray(start, end), k);
		k += end - start;
		end = start;
	}
	return out;
}

/** The picks in their order, then every other product in name order. */
function featured(name: Int32Array, picks: Uint32Array, compare: Compare): Int32Array {
	const out = new Int32Array(name.length);
	const chosen = Array.from(name.filter(n => picks[n] !== NOT_A_PICK)).sort(compare);
	out.set(chosen);
	let k = chosen.length;
	for (const n of name) if (picks[n] === NOT_A_PICK) out[k++] = n;
	return out;
}
