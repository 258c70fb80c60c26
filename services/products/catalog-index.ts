// The catalog's read model: every product in memory, in the seven orders a page can ask for (for
// the whole catalog and for each category), with the search vocabulary beside them. A page is a
// slice of the right order, found by binary search where a price range allows it, so its cost
// follows the size of the page and of the answer, not of the catalog (a store would sort every
// match at each request: 1–2 s per page at 100,000 products on NeDB).
//
// The products service keeps it in step: its own writes update it before they are answered, and
// `products.changed` (broadcast by whichever instance wrote) makes every other instance reread
// those products from the store.
import type { CategoryCount, Product, Suggestion } from "./products.contract";
import type { CatalogQuery } from "./query";
import { toProduct, sortNameOf, type ProductDoc } from "./product";
import { buildOrders, comparators, emptyOrders, insertInOrder, NOT_A_PICK, ordersByCategory, removeFromOrder, SORTS, type Columns, type Orders } from "./orders";
import { SlotList } from "./slot-list";
import { queryWords, termsOf, Vocabulary, words, type Group, type Posting } from "./search";

/** Walks `order` from its start: the slots it keeps, from the `skip`-th kept up to the `wanted`-th. */
type Walk = (order: Int32Array, skip: number, wanted: number) => number[];

export interface CatalogPage {
	rows: Product[];
	total: number;
}

/**
 * Each product lives in a slot (a small whole number) and is held once: the store's own document
 * (Store.readAll at load), made a Product only when a page shows it, so the catalog is not in
 * memory twice. What the orders and filters compare sits beside it in arrays by slot (typed where
 * it is a number). A product's search words are not kept: they are computed again from its name
 * and description when it changes. Documents held are never changed (the store's rule).
 */
export class CatalogIndex {
	private slotOf = new Map<string, number>();
	private docs: (ProductDoc | undefined)[] = [];
	private freeSlots: number[] = [];
	private cols: Columns = emptyColumns(0);
	private categoryIds = new Int32Array(0);
	private readonly categoryIdOf = new Map<string, number>();
	/** By category id: one bit per slot, so a search in a category crosses bitmaps 32 slots at a time (search.ts). */
	private categoryBits: Uint32Array[] = [];
	/** By slot: the `pick` round it is a candidate in. */
	private picked = new Uint32Array(0);
	private round = 0;
	private readonly compare = comparators(this.cols);
	private all = emptyOrders();
	private byCategory = new Map<string, Orders>();
	/** Postings in price order: a word's products within a price range are one stretch of its posting. */
	private vocabulary = this.newVocabulary();

	constructor(private readonly baseCurrency: string) {}

	get size(): number {
		return this.slotOf.size;
	}

	/** The whole catalog at once (at start), replacing what was there: every order built once (orders.ts). */
	load(docs: readonly ProductDoc[]): void {
		this.slotOf = new Map();
		this.docs = [];
		this.freeSlots = [];
		this.categoryBits = [];
		this.byCategory = new Map();
		this.vocabulary = this.newVocabulary();
		const slots: number[] = [];
		for (const doc of docs) if (!this.slotOf.has(doc._id)) slots.push(this.add(doc));
		this.all = buildOrders(slots, this.cols, this.compare);
		const names = [...this.categoryIdOf.keys()];
		ordersByCategory(this.all, this.categoryIds, names.length).forEach((orders, id) => {
			if (orders.name.length > 0) this.byCategory.set(names[id], orders);
		});
		// In price order, every word's posting is appended to, never searched.
		for (const n of this.all.price.view()) this.vocabulary.add(this.termsAt(n), n);
		this.vocabulary.trim();
	}

	/** A product created or changed; nothing to do when it is held as it is (this instance's own change, announced back to it). */
	upsert(doc: ProductDoc): void {
		const held = this.slotOf.get(doc._id);
		if (held !== undefined && this.holdsAsIs(held, doc)) return;
		this.remove(doc._id);
		const slot = this.add(doc);
		const category = this.docs[slot]!.category;
		let lists = this.byCategory.get(category);
		if (!lists) this.byCategory.set(category, (lists = emptyOrders()));
		for (const orders of [this.all, lists]) for (const sort of SORTS) insertInOrder(orders[sort], slot, this.compare[sort]);
		this.vocabulary.add(this.termsAt(slot), slot);
	}

	remove(id: string): void {
		const slot = this.slotOf.get(id);
		if (slot === undefined) return;
		const { category } = this.docs[slot]!;
		// Out of every order and posting first: they find it by what it is compared on.
		const lists = this.byCategory.get(category);
		for (const orders of [this.all, lists]) if (orders) for (const sort of SORTS) removeFromOrder(orders[sort], slot, this.compare[sort]);
		if (lists && lists.name.length === 0) this.byCategory.delete(category);
		this.vocabulary.remove(this.termsAt(slot), slot);
		this.categoryBits[this.categoryIds[slot]][slot >>> 5] &= ~(1 << (slot & 31));
		this.slotOf.delete(id);
		this.docs[slot] = undefined;
		this.cols.ids[slot] = this.cols.sortNames[slot] = this.cols.createdAts[slot] = "";
		this.freeSlots.push(slot);
	}

	/** The products among `ids` the read model holds, and the ids it does not know. */
	byIds(ids: readonly string[]): { found: Product[]; unknown: string[] } {
		const found: Product[] = [];
		const unknown: string[] = [];
		for (const id of ids) {
			const slot = this.slotOf.get(id);
			if (slot !== undefined) found.push(this.productAt(slot));
			else unknown.push(id);
		}
		return { found, unknown };
	}

	categories(): CategoryCount[] {
		return [...this.byCategory].map(([name, lists]) => ({ name, count: lists.name.length })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	/** One page of products in the base currency, without `available`. */
	query(q: CatalogQuery): CatalogPage {
		const scope = q.category === null ? this.all : this.byCategory.get(q.category);
		if (!scope) return { rows: [], total: 0 };
		const order = scope[q.sort];
		const { minPrice: min, maxPrice: max } = q;
		const priced = min !== null || max !== null;
		const lo = min ?? -Infinity;
		const hi = max ?? Infinity;
		const { prices } = this.cols;

		if (q.words === null) {
			if (!priced) return this.slice(order, 0, order.length, q);
			if (q.sort === "price" || q.sort === "-price") {
				const [from, to] = priceRange(i => prices[order.at(i)], order.length, lo, hi, q.sort === "-price");
				return this.slice(order, from, to, q);
			}
			const [from, to] = priceRange(i => prices[scope.price.at(i)], scope.price.length, lo, hi, false);
			const inRange = scope.price.view(from, to);
			return this.page(order, inRange.length, q, () => Array.from(inRange), this.among(inRange));
		}
		const groups = q.words.length === 0 ? null : this.vocabulary.groups(q.words);
		if (!groups) return { rows: [], total: 0 };

		// One catalog word, in the whole catalog: its posting, in price order, is the answer, or a stretch of it.
		if (groups.length === 1 && groups[0].postings.length === 1 && q.category === null) {
			const posting = groups[0].postings[0];
			const [from, to] = priced ? priceRange(i => prices[posting[i]], posting.length, lo, hi, false) : [0, posting.length];
			if (q.sort === "price") return this.slice(posting, from, to, q);
			return this.page(order, to - from, q, () => Array.from(posting.slice(from, to)), this.holding(groups[0], lo, hi), testCost(groups[0]));
		}

		// Several words (or meanings), or a category: walk the rarest word, ask the others, the
		// category's bitmap and the price; or cross bitmaps, whichever reads less (search.ts).
		const category = q.category === null ? undefined : this.categoryIdOf.get(q.category);
		const accept = priced ? (n: number) => prices[n] >= lo && prices[n] <= hi : undefined;
		const found = this.vocabulary.every(groups, accept, category === undefined ? undefined : this.categoryBits[category]);
		return this.page(order, found.length, q, () => found, this.among(found));
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
		const { sortNames } = this.cols;
		// The best `limit` kept as they come (a common word may match thousands; only a few are shown).
		const best: { slot: number; rank: number }[] = [];
		const worse = (a: { slot: number; rank: number }, b: { slot: number; rank: number }) => a.rank - b.rank || this.compare.name(a.slot, b.slot);
		for (const slot of this.vocabulary.match(wanted)) {
			const name = sortNames[slot];
			const rank = name.startsWith(typed) ? 0 : name.split(" ").some(w => w.startsWith(last)) ? 1 : 2;
			const candidate = { slot, rank };
			if (best.length === limit && worse(candidate, best[limit - 1]) >= 0) continue;
			best.splice(lowerBound(best.length, i => worse(best[i], candidate) < 0), 0, candidate);
			if (best.length > limit) best.pop();
		}
		return best.map(({ slot }) => {
			const { _id: id, name, category } = this.docs[slot]!;
			return { id, name, category };
		});
	}

	/** [from, to) of a list in the page's order: the page is a slice of it. */
	private slice(list: SlotList | Posting, from: number, to: number, q: CatalogQuery): CatalogPage {
		const start = from + (q.page - 1) * q.pageSize;
		const end = Math.min(to, start + q.pageSize);
		const rows: Product[] = [];
		for (let i = start; i < end; i++) rows.push(this.productAt(list instanceof SlotList ? list.at(i) : list[i]));
		return { rows, total: to - from };
	}

	/**
	 * A page of `total` products in the order of `order`: either sort them all (`matches()`), or
	 * walk `order` keeping those `walk` takes until the page is full, whichever reads fewer
	 * products (a test costing `cost` reads). Few matches are cheap to sort; many are met soon when walking.
	 */
	private page(order: SlotList, total: number, q: CatalogQuery, matches: () => number[], walk: Walk, cost = 1): CatalogPage {
		const skip = (q.page - 1) * q.pageSize;
		if (skip >= total) return { rows: [], total };
		const wanted = Math.min(total, skip + q.pageSize);
		const walkCost = ((wanted * order.length) / total) * cost;
		const sortCost = total * Math.log2(total + 1);
		const rows = sortCost <= walkCost ? matches().sort(this.compare[q.sort]).slice(skip, wanted) : walk(order.view(), skip, wanted);
		return { rows: rows.map(n => this.productAt(n)), total };
	}

	/** Walks an order keeping the slots among `slots` (each marked first). */
	private among(slots: ArrayLike<number>): Walk {
		return (order, skip, wanted) => {
			if (this.round === 0xffffffff) {
				this.picked.fill(0);
				this.round = 0;
			}
			const round = ++this.round;
			const { picked } = this;
			for (let i = 0; i < slots.length; i++) picked[slots[i]] = round;
			const rows: number[] = [];
			for (let i = 0, seen = 0; i < order.length && seen < wanted; i++) if (picked[order[i]] === round && seen++ >= skip) rows.push(order[i]);
			return rows;
		};
	}

	/** Walks an order keeping the slots priced within [lo, hi] that hold one of `word`'s meanings. */
	private holding(word: Group, lo: number, hi: number): Walk {
		return (order, skip, wanted) => {
			const { prices } = this.cols;
			const rows: number[] = [];
			for (let i = 0, seen = 0; i < order.length && seen < wanted; i++) {
				const n = order[i];
				if (prices[n] >= lo && prices[n] <= hi && this.vocabulary.has(word, n) && seen++ >= skip) rows.push(n);
			}
			return rows;
		};
	}

	/** A product in a free slot, known by id, with what it is compared on; not yet in any order or posting. */
	private add(doc: ProductDoc): number {
		const slot = this.freeSlots.pop() ?? this.docs.length;
		if (slot >= this.cols.prices.length) this.grow(slot);
		this.docs[slot] = doc;
		const { cols } = this;
		cols.ids[slot] = doc._id;
		cols.sortNames[slot] = sortNameFrom(doc);
		cols.createdAts[slot] = doc.createdAt;
		cols.prices[slot] = doc.price;
		cols.picks[slot] = doc.featured ? doc.featured : NOT_A_PICK;
		let categoryId = this.categoryIdOf.get(doc.category);
		if (categoryId === undefined) this.categoryIdOf.set(doc.category, (categoryId = this.categoryIdOf.size));
		this.categoryIds[slot] = categoryId;
		const bits = (this.categoryBits[categoryId] ??= new Uint32Array((this.picked.length + 31) >>> 5));
		bits[slot >>> 5] |= 1 << (slot & 31);
		this.slotOf.set(doc._id, slot);
		return slot;
	}

	/** The product in `slot` as pages show it: a new object each time (callers may change theirs). */
	private productAt(slot: number): Product {
		return toProduct(this.docs[slot]!, this.baseCurrency);
	}

	private holdsAsIs(slot: number, doc: ProductDoc): boolean {
		const product = this.productAt(slot);
		const fresh = toProduct(doc, this.baseCurrency);
		return (Object.keys(fresh) as (keyof Product)[]).every(key => product[key] === fresh[key]) && this.cols.sortNames[slot] === sortNameFrom(doc);
	}

	private termsAt(slot: number): string[] {
		const { name, description } = this.docs[slot]!;
		return termsOf(name, description);
	}

	private grow(slot: number): void {
		const size = Math.max(slot + 1, 1024, this.cols.prices.length * 2);
		const cols = this.cols;
		cols.prices = grown(cols.prices, new Float64Array(size));
		cols.picks = grown(cols.picks, new Uint32Array(size));
		this.categoryIds = grown(this.categoryIds, new Int32Array(size));
		this.picked = grown(this.picked, new Uint32Array(size));
		this.categoryBits = this.categoryBits.map(bits => grown(bits, new Uint32Array((size + 31) >>> 5)));
	}

	private newVocabulary(): Vocabulary {
		return new Vocabulary(this.compare.price);
	}
}

/** Stored with the product (product.ts keeps it in step with the name): shared, not made again. */
function sortNameFrom(doc: ProductDoc): string {
	return typeof doc.sortName === "string" ? doc.sortName : sortNameOf(doc.name);
}

function emptyColumns(size: number): Columns {
	return { ids: [], sortNames: [], createdAts: [], prices: new Float64Array(size), picks: new Uint32Array(size) };
}

function grown<T extends Float64Array | Uint32Array | Int32Array>(old: T, bigger: T): T {
	bigger.set(old);
	return bigger;
}

/** What asking a word's postings about one product costs, in reads: one with a bitmap, a binary search without. */
function testCost(group: Group): number {
	return group.bits.every(Boolean) ? 1 : Math.log2(group.size + 1) + 1;
}

/** The first index in [0, length) whose item is not `before` (the list is ordered so that those come first). */
function lowerBound(length: number, before: (i: number) => boolean): number {
	let lo = 0;
	let hi = length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (before(mid)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** [from, to) of the items priced within [lo, hi] in a list sorted by price (descending when `desc`); `price(i)` is the i-th's. */
function priceRange(price: (i: number) => number, length: number, lo: number, hi: number, desc: boolean): [number, number] {
	const [from, to] = desc ? [lowerBound(length, i => price(i) > hi), lowerBound(length, i => price(i) >= lo)] : [lowerBound(length, i => price(i) < lo), lowerBound(length, i => price(i) <= hi)];
	return [from, Math.max(from, to)]; // an empty range when min > max
}
