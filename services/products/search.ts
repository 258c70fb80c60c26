// Search that finds what a shopper means: plural-tolerant ("lamps" finds a lamp), prefix-tolerant
// while typing ("headph"), typo-tolerant ("kettel" finds a kettle, "pepper" no paper) and inside compound words
// ("phones" finds headphones). Numbers are found whole ("350" finds "350 lm", not "3500").
//
// Two levels, so that a search costs what its answer costs, not what the catalog weighs:
//  - the vocabulary (every distinct word of the catalog, a few thousand) sits in MiniSearch, which
//    turns one query word into the catalog words it may mean: itself, the words it starts
//    (prefix), the words it ends (a map of suffixes), and, only when none of these exist, the
//    words within one or two typos of it (fuzzy, so "cast" never turns into "cost");
//  - each catalog word keeps the list of products that contain it (postings), and the common
//    words a bitmap beside it. A query needs every word: it walks the rarest word's postings and
//    asks the others' whether they hold each item, so its cost follows its rarest word.
import MiniSearch from "minisearch";
import { SlotList } from "./slot-list";

/** Words longer than this are cut, in products and in queries alike, so both sides agree. */
const MAX_WORD = 24;
/** A query word this long or longer also matches the catalog words it starts. */
const MIN_PREFIX = 3;
/** A query word this long or longer also matches the catalog words it ends ("phone" in "headphone"). */
const MIN_SUFFIX = 4;
export const MAX_QUERY_WORDS = 8;
/**
 * Numbers (model numbers, sizes: often one per product) are found whole only, and stay out of
 * MiniSearch: 100,000 of them would make the vocabulary, and the start, 100 times bigger.
 */
const NUMBER = /^\d+$/;

const ASCII = /^[\x00-\x7f]*$/;
const NOT_ASCII_WORD = /[^a-z0-9]+/;

/**
 * Accents off ("Crème" → "creme"), case folded, then the runs of letters and digits. Upper then
 * lower case folds the way a shopper types: "Straße", "STRASSE" and "strasse" all give "strasse".
 */
export function words(text: string): string[] {
	// Plain ASCII (most product text) has no accents to take off and no case that folds oddly: the
	// same words, without the Unicode work (a third of loading 100,000 products).
	if (ASCII.test(text)) return text.toLowerCase().split(NOT_ASCII_WORD).filter(Boolean).map(w => w.slice(0, MAX_WORD));
	return unicodeWords(text);
}

/** The words of any text: accents taken off, case folded, split at whatever is no letter or digit. */
export function unicodeWords(text: string): string[] {
	return text
		.normalize("NFKD")
		.replace(/\p{M}/gu, "")
		.toUpperCase()
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.map(w => w.slice(0, MAX_WORD));
}

/**
 * English plurals to their singular, the same way for products and queries, so that either form
 * finds the other: lamps → lamp, batteries → battery, boxes → box, glasses → glass. Words
 * ending in "ss", "us" or "is" (glass, cactus, chassis) are left alone.
 */
export function stem(word: string): string {
	if (word.length < 4 || /\d/.test(word)) return word;
	if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
	if (/(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
	if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
	return word;
}

/** What a product is found by: the distinct stems of its name and description. */
export function termsOf(name: string, description: string): string[] {
	const terms: string[] = [];
	// A product has a few dozen words: a scan is cheaper than a Set.
	for (const word of words(`${name} ${description}`)) {
		const term = stem(word);
		if (!terms.includes(term)) terms.push(term);
	}
	return terms;
}

/**
 * The words a query must all match, once each, at most MAX_QUERY_WORDS of them. Empty when the
 * query has no letter or digit at all.
 */
export function queryWords(q: string): string[] {
	return [...new Set(words(q).map(stem))].slice(0, MAX_QUERY_WORDS);
}

/**
 * How many typos a query word may have: none in short words, where one typo makes another word;
 * one (a wrong, missing or extra letter, or two letters swapped) up to 7 letters; two beyond.
 */
function typosAllowed(word: string): number {
	if (/\d/.test(word) || word.length < 4) return 0;
	return word.length >= 8 ? 2 : 1;
}

/**
 * Edit distance where swapping two neighbours counts as one typo ("kettel" → "kettle"), as a
 * shopper counts them (optimal string alignment). MiniSearch's fuzzy search counts a swap as two.
 */
export function typos(a: string, b: string): number {
	const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) rows[0][j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
		}
	}
	return rows[a.length][b.length];
}

/** A term's items in the vocabulary's order, as a query reads them. */
export type Posting = readonly number[] | Int32Array;

/** From this many items on, a posting is packed (32 bits an item); below, a JS array costs less than a typed one's own overhead. */
const LONG_POSTING = 64;

/**
 * What one query word may mean: the postings of the catalog words it may mean, each beside its
 * bitmap (or null), and how many items they hold together.
 */
export interface Group {
	postings: readonly Posting[];
	bits: readonly (Uint32Array | null)[];
	size: number;
}

/**
 * Catalog words → the items containing them, and what a query word may mean among them. Items
 * are small whole numbers (the read model's slots). Each posting is kept in the order `before`
 * gives (the read model's price order), so that the items of one word within a price range are
 * one stretch of it, found by binary search. A word held by many items also has a bitmap, so
 * that "does this item have it?" is one read: a query walks its rarest word and asks the others,
 * instead of reading every posting whole.
 */
export class Vocabulary {
	/**
	 * A word held by one item keeps that item alone, not a list of one: a catalog has a word of its
	 * own in most products (a model number), and 100,000 lists of one are some 6 MB. A long posting
	 * is packed in 32-bit integers (SlotList), half the memory of a JS array of numbers.
	 */
	private readonly postings = new Map<string, number | number[] | SlotList>();
	/** For the words held by at least 1/32 of the items: one bit per item (no more memory than their postings). */
	private readonly bitmaps = new Map<string, Uint32Array>();
	private readonly endings = new Map<string, Set<string>>();
	private readonly terms = new MiniSearch<{ id: string }>({ fields: ["id"], tokenize: t => [t], processTerm: t => t });
	/** Per item: the query round that last saw it (a word's meanings may share items). */
	private seen = new Uint32Array(1024);
	private round = 0;

	/** `before(a, b)` < 0 when item a comes before item b; it must not change while both are held. */
	constructor(private readonly before: (a: number, b: number) => number = (a, b) => a - b) {}

	add(terms: readonly string[], item: number): void {
		if (item >= this.seen.length) this.grow(item);
		for (const term of terms) {
			const held = this.postings.get(term);
			if (held === undefined) {
				this.addTerm(term, item);
				continue;
			}
			const posting = this.growing(term, held);
			// In order, items mostly come last (the whole catalog at load): no search then.
			if (posting instanceof SlotList) {
				if (this.before(posting.at(posting.length - 1), item) < 0) posting.push(item);
				else posting.insert(this.indexIn(posting.view(), item), item);
			} else if (this.before(posting[posting.length - 1], item) < 0) posting.push(item);
			else posting.splice(this.indexIn(posting, item), 0, item);
			const bits = this.bitmaps.get(term);
			if (bits) bits[item >>> 5] |= 1 << (item & 31);
			else if (posting.length * 32 >= this.seen.length && posting.length >= 64) this.bitmaps.set(term, this.bitmapOf(this.postingOf(term)));
		}
	}

	/** Gives back the room long postings keep for more items (after a load; the next item added makes room again). */
	trim(): void {
		for (const posting of this.postings.values()) if (posting instanceof SlotList) posting.trim();
	}

	/** Forgets `item` under `terms` (the terms it was added with, computed again). */
	remove(terms: readonly string[], item: number): void {
		for (const term of terms) {
			const posting = this.postings.get(term);
			if (posting === undefined) continue;
			if (typeof posting === "number") {
				if (posting === item) this.removeTerm(term);
				continue;
			}
			const items = posting instanceof SlotList ? posting.view() : posting;
			const at = this.indexIn(items, item);
			if (at >= items.length || items[at] !== item) continue;
			if (posting instanceof SlotList) posting.removeAt(at);
			else posting.splice(at, 1);
			const bits = this.bitmaps.get(term);
			if (bits) bits[item >>> 5] &= ~(1 << (item & 31));
			if (posting.length === 0) this.removeTerm(term);
		}
	}

	/** The catalog words a query word may mean (see the top of this file). */
	meanings(word: string): string[] {
		const found = new Set<string>();
		if (this.postings.has(word)) found.add(word);
		if (word.length >= MIN_PREFIX) for (const r of this.terms.search(word, { prefix: true })) found.add(r.id);
		for (const term of this.endings.get(word) ?? []) found.add(term);
		const allowed = found.size === 0 ? typosAllowed(word) : 0;
		// A swap is two edits to MiniSearch: ask it for one more, then count as a shopper would.
		if (allowed > 0) for (const r of this.terms.search(word, { fuzzy: allowed + 1 })) if (typos(word, r.id) <= allowed) found.add(r.id);
		return [...found];
	}

	/** Each query word's group, the smallest first; null when one of them means nothing in the catalog. */
	groups(queryWords: readonly string[]): Group[] | null {
		const groups: Group[] = [];
		for (const word of queryWords) {
			const terms = this.meanings(word);
			if (terms.length === 0) return null;
			const postings = terms.map(term => this.postingOf(term));
			groups.push({ postings, bits: terms.map(term => this.bitmaps.get(term) ?? null), size: postings.reduce((n, p) => n + p.length, 0) });
		}
		return groups.length === 0 ? null : groups.sort((a, b) => a.size - b.size);
	}

	/** Whether `item` is in one of the group's postings: a bit, or a binary search in a short posting. */
	has(group: Group, item: number): boolean {
		for (let i = 0; i < group.postings.length; i++) {
			const bits = group.bits[i];
			if (bits) {
				if (bits[item >>> 5] & (1 << (item & 31))) return true;
			} else {
				const posting = group.postings[i];
				if (posting[this.indexIn(posting, item)] === item) return true;
			}
		}
		return false;
	}

	/**
	 * The items in every group, in `within` (a bitmap, when given) and that `accept` takes, each
	 * once, in no particular order: the first (smallest) group is walked, the others are asked, so
	 * the cost follows the rarest word; or, when that reads less, bitmaps are crossed (cheaperByBits).
	 */
	every(groups: readonly Group[], accept?: (item: number) => boolean, within?: Uint32Array): number[] {
		const out: number[] = [];
		if (groups.length === 0) return out;
		if (this.cheaperByBits(groups, within !== undefined)) return this.everyByBits(groups, accept, within);
		const [first, ...rest] = groups;
		const several = first.postings.length > 1;
		const round = several ? this.nextRound() : 0;
		const { seen } = this;
		// The usual case: each other word means one common word, so asking it is reading one bit.
		const bitmaps = rest.every(g => g.bits.length === 1 && g.bits[0]) ? rest.map(g => g.bits[0] as Uint32Array) : null;
		for (const posting of first.postings) {
			for (let i = 0; i < posting.length; i++) {
				const item = posting[i];
				if (several) {
					if (seen[item] === round) continue;
					seen[item] = round;
				}
				let all = within === undefined || (within[item >>> 5] & (1 << (item & 31))) !== 0;
				if (bitmaps) for (let g = 0; all && g < bitmaps.length; g++) all = (bitmaps[g][item >>> 5] & (1 << (item & 31))) !== 0;
				else for (let g = 0; all && g < rest.length; g++) all = this.has(rest[g], item);
				if (all && (accept === undefined || accept(item))) out.push(item);
			}
		}
		return out;
	}

	/**
	 * Whether ANDing bitmaps reads less than walking the rarest word: when every meaning has a
	 * bitmap (each then holds at least 1/32 of the items), one 32-bit word of each is one read for
	 * 32 items, where the walk reads each item of the rarest posting and asks every other word.
	 * Two common words ("heated kettle", or a word and a category's bitmap `within`) cross in 1/32 of a walk.
	 */
	private cheaperByBits(groups: readonly Group[], filtered: boolean): boolean {
		let meanings = filtered ? 1 : 0;
		for (const group of groups) {
			if (!group.bits.every(Boolean)) return false;
			meanings += group.bits.length;
		}
		return (this.seen.length >>> 5) * meanings <= groups[0].size * (groups.length + (filtered ? 1 : 0));
	}

	/** `every` by bitmaps (see cheaperByBits): each group's meanings ORed, the groups and `within` ANDed, 32 items at a time. */
	private everyByBits(groups: readonly Group[], accept?: (item: number) => boolean, within?: Uint32Array): number[] {
		const out: number[] = [];
		const bits = groups.map(group => group.bits as readonly Uint32Array[]);
		const words = within ? Math.min(within.length, this.seen.length >>> 5) : this.seen.length >>> 5;
		// The usual search ("tripod" in a category, "heated kettle"): one meaning per word, two or
		// three bitmaps ANDed in a loop with nothing else in it (4,096 words at 100,000 items).
		if (bits.length <= 2 && bits.every(meanings => meanings.length === 1)) {
			const a = within ?? bits[0][0];
			const b = within ? bits[0][0] : (bits[1]?.[0] ?? a);
			const c = within ? (bits[1]?.[0] ?? a) : a;
			for (let w = 0; w < words; w++) {
				const all = a[w] & b[w] & c[w];
				if (all !== 0) pushItems(out, w, all, accept);
			}
			return out;
		}
		for (let w = 0; w < words; w++) {
			let all = within ? within[w] : 0xffffffff;
			for (let g = 0; all !== 0 && g < bits.length; g++) {
				const meanings = bits[g];
				let any = meanings[0][w];
				for (let m = 1; m < meanings.length; m++) any |= meanings[m][w];
				all &= any;
			}
			if (all !== 0) pushItems(out, w, all, accept);
		}
		return out;
	}

	/** The items matching every query word; each once, in no particular order. */
	match(queryWords: readonly string[]): number[] {
		const groups = this.groups(queryWords);
		return groups ? this.every(groups) : [];
	}

	/** A term's items, to read now (a packed posting's view is valid until the next change). */
	private postingOf(term: string): Posting {
		const posting = this.postings.get(term);
		return posting === undefined ? [] : typeof posting === "number" ? [posting] : posting instanceof SlotList ? posting.view() : posting;
	}

	/** The posting `held` (a term's), made one that can take another item: a list from one item, packed from LONG_POSTING. */
	private growing(term: string, held: number | number[] | SlotList): number[] | SlotList {
		if (typeof held === "number") {
			const list = [held];
			this.postings.set(term, list);
			return list;
		}
		if (Array.isArray(held) && held.length >= LONG_POSTING) {
			const packed = SlotList.of(Int32Array.from(held));
			this.postings.set(term, packed);
			return packed;
		}
		return held;
	}

	/** Where `item` is or would go in `posting` (binary search in the vocabulary's order). */
	private indexIn(posting: Posting, item: number): number {
		let lo = 0;
		let hi = posting.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.before(posting[mid], item) < 0) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	private bitmapOf(posting: Posting): Uint32Array {
		const bits = new Uint32Array(this.seen.length >>> 5);
		for (const item of posting) bits[item >>> 5] |= 1 << (item & 31);
		return bits;
	}

	private nextRound(): number {
		if (this.round === 0xffffffff) {
			this.seen.fill(0);
			this.round = 0;
		}
		return ++this.round;
	}

	/** Room for `item`: sizes stay powers of two times 1024, so bitmaps are whole words. */
	private grow(item: number): void {
		let size = this.seen.length;
		while (size <= item) size *= 2;
		const seen = new Uint32Array(size);
		seen.set(this.seen);
		this.seen = seen;
		for (const [term, old] of this.bitmaps) {
			const bits = new Uint32Array(size >>> 5);
			bits.set(old);
			this.bitmaps.set(term, bits);
		}
	}

	private addTerm(term: string, item: number): void {
		this.postings.set(term, item);
		if (!NUMBER.test(term)) this.terms.add({ id: term });
		for (const end of endingsOf(term)) {
			const set = this.endings.get(end);
			if (set) set.add(term);
			else this.endings.set(end, new Set([term]));
		}
	}

	private removeTerm(term: string): void {
		this.postings.delete(term);
		this.bitmaps.delete(term);
		if (!NUMBER.test(term)) this.terms.discard(term);
		for (const end of endingsOf(term)) {
			const set = this.endings.get(end);
			set?.delete(term);
			if (set?.size === 0) this.endings.delete(end);
		}
	}
}

/** The endings of a word a query may name on their own ("phone" of "headphone"); none for numbers. */
function endingsOf(term: string): string[] {
	if (/\d/.test(term)) return [];
	const out: string[] = [];
	for (let start = 1; term.length - start >= MIN_SUFFIX; start++) out.push(term.slice(start));
	return out;
}

/** The items of bitmap word `w` whose bits are set in `bits` (and that `accept` takes), pushed onto `out`. */
function pushItems(out: number[], w: number, bits: number, accept?: (item: number) => boolean): void {
	while (bits !== 0) {
		const low = bits & -bits;
		const item = (w << 5) + (31 - Math.clz32(low));
		bits ^= low;
		if (accept === undefined || accept(item)) out.push(item);
	}
}
