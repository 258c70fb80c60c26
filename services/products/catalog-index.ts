// The catalog's read model: every product in memory, in the seven orders a page can ask for (for
// the whole catalog and for each category), with the search vocabulary beside them. A page is a
// slice of the right order, found by binary search where a price range allows it, so its cost
// follows the size of the page and of the answer, not of the catalog (a store would sort every
// match at each request: 1–2 s per page at 100,000 products on NeDB).
//
// The products service keeps it in step: its own writes update it before they are answered, and
// `products.changed` (broadcast by whichever instance wrote) makes every other instance reread
// those products from the store.
import type { CategoryCount, Product, ProductSort, Suggestion } from "./products.contract";
import type { CatalogQuery } from "./query";
import { toProduct, sortNameOf, type ProductDoc } from "./product";
import { queryWords, termsOf, Vocabulary, words } from "./search";

interface Entry {
	/** Its slot: where the typed arrays below keep what a search filters on. */
	slot: number;
	id: string;
	category: string;
	price: number;
	sortName: string;
	createdAt: string;
	/** Place among the picks; NOT_A_PICK for the rest, so that they come after every pick. */
	pick: number;
	terms: string[];
	product: Product;
}

/** Each order as the slots of its entries: walking one reads packed numbers, not scattered objects. */
type Lists = Record<ProductSort, number[]>;
const SORTS: readonly ProductSort[] = ["price", "-price", "name", "-name", "createdAt", "-createdAt", "featured"];
const NOT_A_PICK = Number.MAX_SAFE_INTEGER;

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Ties always break on id (ascending, in both directions), so pages never overlap. */
const ORDER: Record<ProductSort, (a: Entry, b: Entry) => number> = {
	price: (a, b) => a.price - b.price || text(a.id, b.id),
	"-price": (a, b) => b.price - a.price || text(a.id, b.id),
	name: (a, b) => text(a.sortName, b.sortName) || text(a.id, b.id),
	"-name": (a, b) => text(b.sortName, a.sortName) || text(a.id, b.id),
	createdAt: (a, b) => text(a.createdAt, b.createdAt) || text(a.id, b.id),
	"-createdAt": (a, b) => text(b.createdAt, a.createdAt) || text(a.id, b.id),
	// The shop's picks in their order, then the rest as "name" has them (a list a shopper can scan).
	featured: (a, b) => a.pick - b.pick || text(a.sortName, b.sortName) || text(a.id, b.id),
};

export interface CatalogPage {
	rows: Product[];
	total: number;
}

export class CatalogIndex {
	private byId = new Map<string, Entry>();
	private all = emptyLists();
	private byCategory = new Map<string, Lists>();
	private vocabulary = new Vocabulary();
	/** By slot: the entry, and (packed, for searches that filter many matches) its price and category. */
	private slots: (Entry | undefined)[] = [];
	private freeSlots: number[] = [];
	private prices = new Float64Array(1024);
	private categoryIds = new Int32Array(1024);
	private readonly categoryIdOf = new Map<string, number>();
	/** By slot: the `pick` round it is a candidate in. */
	private picked = new Uint32Array(1024);
	private round = 0;

	constructor(private readonly baseCurrency: string) {}

	get size(): number {
		return this.byId.size;
	}

	/** The whole catalog at once (at start), replacing what was there: appended, then each order sorted once. */
	load(docs: readonly ProductDoc[]): void {
		this.byId = new Map();
		this.all = emptyLists();
		this.byCategory = new Map();
		this.vocabulary = new Vocabulary();
		this.slots = [];
		this.freeSlots = [];
		for (const doc of docs) {
			if (this.byId.has(doc._id)) continue;
			const entry = this.add(doc);
			for (const lists of [this.all, this.listsOf(entry.category)]) for (const sort of SORTS) lists[sort].push(entry.slot);
		}
		for (const lists of [this.all, ...this.byCategory.values()]) for (const sort of SORTS) lists[sort].sort(this.bySlot(sort));
	}

	/** A product created or changed. */
	upsert(doc: ProductDoc): void {
		this.remove(doc._id);
		const entry = this.add(doc);
		for (const lists of [this.all, this.listsOf(entry.category)]) for (const sort of SORTS) insertSorted(lists[sort], entry.slot, this.bySlot(sort));
	}

	remove(id: string): void {
		const entry = this.byId.get(id);
		if (!entry) return;
		this.byId.delete(id);
		const category = this.byCategory.get(entry.category);
		for (const lists of [this.all, category]) if (lists) for (const sort of SORTS) removeSorted(lists[sort], entry.slot, this.bySlot(sort));
		if (category && count(category) === 0) this.byCategory.delete(entry.category);
		this.vocabulary.remove(entry.terms, entry.slot);
		this.slots[entry.slot] = undefined;
		this.freeSlots.push(entry.slot);
	}

	/** The products among `ids` the read model holds, and the ids it does not know. */
	byIds(ids: readonly string[]): { found: Product[]; unknown: string[] } {
		const found: Product[] = [];
		const unknown: string[] = [];
		for (const id of ids) {
			const entry = this.byId.get(id);
			if (entry) found.push(entry.product);
			else unknown.push(id);
		}
		return { found, unknown };
	}

	categories(): CategoryCount[] {
		return [...this.byCategory].map(([name, lists]) => ({ name, count: count(lists) })).sort((a, b) => text(a.name, b.name));
	}

	/** One page of products in the base currency, without `available`. */
	query(q: CatalogQuery): CatalogPage {
		const scope = q.category === null ? this.all : this.byCategory.get(q.category);
		if (!scope) return { rows: [], total: 0 };
		const order = scope[q.sort];
		const { minPrice: min, maxPrice: max } = q;
		const priced = min !== null || max !== null;

		if (q.words === null) {
			if (!priced) return this.slice(order, 0, order.length, q);
			if (q.sort === "price" || q.sort === "-price") {
				const [from, to] = priceRange(order, this.prices, min, max, q.sort === "-price");
				return this.slice(order, from, to, q);
			}
			const [from, to] = priceRange(scope.price, this.prices, min, max, false);
			return this.pick(order, scope.price.slice(from, to), q);
		}
		if (q.words.length === 0) return { rows: [], total: 0 };
		let found = this.vocabulary.match(q.words);
		if (q.category !== null || priced) {
			const { prices, categoryIds } = this;
			const category = q.category === null ? -1 : (this.categoryIdOf.get(q.category) ?? -2);
			const lo = min ?? -Infinity;
			const hi = max ?? Infinity;
			found = found.filter(n => (category === -1 || categoryIds[n] === category) && prices[n] >= lo && prices[n] <= hi);
		}
		return this.pick(order, found, q);
	}

	/**
	 * Up to `limit` products for what is being typed, the best first: names that start with the
	 * typed words, then names that hold a word starting like the last one typed, then the rest
	 * (found by their description, or by a typo); alphabetical within each. The last word is
	 * taken as unfinished, so it also matches the words it starts (search.ts).
	 */
	suggest(q: string, limit: number): Suggestion[] {
		const wanted = queryWords(q);
		if (wanted.length === 0) return [];
		const typed = words(q).join(" ");
		const last = words(q).at(-1) ?? "";
		// The best `limit` kept as they come (a common word may match thousands; only a few are shown).
		const best: { entry: Entry; rank: number }[] = [];
		const worse = (a: { entry: Entry; rank: number }, b: { entry: Entry; rank: number }) => a.rank - b.rank || ORDER.name(a.entry, b.entry);
		for (const slot of this.vocabulary.match(wanted)) {
			const entry = this.entryAt(slot);
			const rank = entry.sortName.startsWith(typed) ? 0 : entry.sortName.split(" ").some(w => w.startsWith(last)) ? 1 : 2;
			const candidate = { entry, rank };
			if (best.length === limit && worse(candidate, best[limit - 1]) >= 0) continue;
			best.splice(lowerBound(best, b => worse(b, candidate) < 0), 0, candidate);
			if (best.length > limit) best.pop();
		}
		return best.map(({ entry }) => ({ id: entry.id, name: entry.product.name, category: entry.category }));
	}

	private slice(order: readonly number[], from: number, to: number, q: CatalogQuery): CatalogPage {
		const start = from + (q.page - 1) * q.pageSize;
		const rows = start >= to ? [] : order.slice(start, Math.min(to, start + q.pageSize));
		return { rows: rows.map(n => this.entryAt(n).product), total: to - from };
	}

	/**
	 * A page of `candidates` (slots, any order) in the order of `order`: either sort the candidates, or
	 * walk `order` until the page is full, whichever reads fewer products. Few candidates are
	 * cheap to sort; many are met soon when walking.
	 */
	private pick(order: readonly number[], candidates: number[], q: CatalogQuery): CatalogPage {
		const total = candidates.length;
		const skip = (q.page - 1) * q.pageSize;
		if (skip >= total) return { rows: [], total };
		const wanted = Math.min(total, skip + q.pageSize);
		const walkCost = (wanted * order.length) / total;
		const sortCost = total * Math.log2(total + 1);
		let rows: number[];
		if (sortCost <= walkCost) {
			rows = candidates.sort(this.bySlot(q.sort)).slice(skip, wanted);
		} else {
			const round = this.nextRound();
			const { picked } = this;
			for (const n of candidates) picked[n] = round;
			rows = [];
			let seen = 0;
			for (const n of order) {
				if (picked[n] !== round) continue;
				if (seen++ >= skip) rows.push(n);
				if (seen >= wanted) break;
			}
		}
		return { rows: rows.map(n => this.entryAt(n).product), total };
	}

	private entryAt(slot: number): Entry {
		return this.slots[slot] as Entry;
	}

	/** An order compared by slot. */
	private bySlot(sort: ProductSort): (a: number, b: number) => number {
		const order = ORDER[sort];
		return (a, b) => order(this.entryAt(a), this.entryAt(b));
	}

	private nextRound(): number {
		if (this.round === 0xffffffff) {
			this.picked.fill(0);
			this.round = 0;
		}
		return ++this.round;
	}

	/** A new entry in a free slot, known by id and to the search. */
	private add(doc: ProductDoc): Entry {
		const slot = this.freeSlots.pop() ?? this.slots.length;
		if (slot >= this.prices.length) this.grow(slot);
		const entry = this.entryOf(doc, slot);
		this.slots[slot] = entry;
		this.prices[slot] = entry.price;
		let categoryId = this.categoryIdOf.get(entry.category);
		if (categoryId === undefined) this.categoryIdOf.set(entry.category, (categoryId = this.categoryIdOf.size));
		this.categoryIds[slot] = categoryId;
		this.byId.set(entry.id, entry);
		this.vocabulary.add(entry.terms, slot);
		return entry;
	}

	private grow(slot: number): void {
		const size = Math.max(slot + 1, this.prices.length * 2);
		const prices = new Float64Array(size);
		prices.set(this.prices);
		const categoryIds = new Int32Array(size);
		categoryIds.set(this.categoryIds);
		const picked = new Uint32Array(size);
		picked.set(this.picked);
		this.prices = prices;
		this.categoryIds = categoryIds;
		this.picked = picked;
	}

	private entryOf(doc: ProductDoc, slot: number): Entry {
		return {
			slot,
			id: doc._id,
			category: doc.category,
			price: doc.price,
			sortName: sortNameOf(doc.name),
			createdAt: doc.createdAt,
			pick: doc.featured ? doc.featured : NOT_A_PICK,
			terms: termsOf(doc.name, doc.description),
			product: toProduct(doc, this.baseCurrency),
		};
	}

	private listsOf(category: string): Lists {
		let lists = this.byCategory.get(category);
		if (!lists) this.byCategory.set(category, (lists = emptyLists()));
		return lists;
	}
}

const count = (lists: Lists) => lists.name.length;

function emptyLists(): Lists {
	return { price: [], "-price": [], name: [], "-name": [], createdAt: [], "-createdAt": [], featured: [] };
}

/** The first index whose item is not `before` (the list is ordered so that those come first). */
function lowerBound<T>(list: readonly T[], before: (item: T) => boolean): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (before(list[mid])) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function insertSorted(list: number[], slot: number, cmp: (a: number, b: number) => number): void {
	list.splice(
		lowerBound(list, n => cmp(n, slot) < 0),
		0,
		slot,
	);
}

function removeSorted(list: number[], slot: number, cmp: (a: number, b: number) => number): void {
	const at = lowerBound(list, n => cmp(n, slot) < 0);
	if (list[at] === slot) list.splice(at, 1);
}

/** [from, to) of the slots priced within [min, max] in a list sorted by price (descending when `desc`). */
function priceRange(list: readonly number[], prices: Float64Array, min: number | null, max: number | null, desc: boolean): [number, number] {
	const lo = min ?? -Infinity;
	const hi = max ?? Infinity;
	const [from, to] = desc
		? [lowerBound(list, n => prices[n] > hi), lowerBound(list, n => prices[n] >= lo)]
		: [lowerBound(list, n => prices[n] < lo), lowerBound(list, n => prices[n] <= hi)];
	return [from, Math.max(from, to)]; // an empty range when min > max
}
