// Search that finds what a shopper means: plural-tolerant ("lamps" finds a lamp), prefix-tolerant
// while typing ("headph"), typo-tolerant ("kettel" finds a kettle, "pepper" no paper) and inside compound words
// ("phones" finds headphones). Numbers are found whole ("350" finds "350 lm", not "3500").
//
// Two levels, so that a search costs what its answer costs, not what the catalog weighs:
//  - the vocabulary (every distinct word of the catalog, a few thousand) sits in MiniSearch, which
//    turns one query word into the catalog words it may mean: itself, the words it starts
//    (prefix), the words it ends (a map of suffixes), and, only when none of these exist, the
//    words within one or two typos of it (fuzzy, so "cast" never turns into "cost");
//  - each catalog word keeps the list of products that contain it (postings). A query is the
//    intersection (every query word must match) of the union of its words' postings.
import MiniSearch from "minisearch";

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

/**
 * Accents off ("Crème" → "creme"), case folded, then the runs of letters and digits. Upper then
 * lower case folds the way a shopper types: "Straße", "STRASSE" and "strasse" all give "strasse".
 */
export function words(text: string): string[] {
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
	return [...new Set(words(`${name} ${description}`).map(stem))];
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

/**
 * Catalog words → the items containing them, and what a query word may mean among them. Items
 * are small whole numbers (the read model's slots), so that postings are packed arrays and a
 * query's marks live in typed arrays: a search over 25,000 matches reads contiguous memory.
 */
export class Vocabulary {
	private readonly postings = new Map<string, number[]>();
	private readonly endings = new Map<string, Set<string>>();
	private readonly terms = new MiniSearch<{ id: string }>({ fields: ["id"], tokenize: t => [t], processTerm: t => t });
	/** Per item: the query round that last saw it, and how many of that query's words it matched. */
	private seen = new Uint32Array(1024);
	private hits = new Uint8Array(1024);
	private round = 0;

	add(terms: readonly string[], item: number): void {
		if (item >= this.seen.length) this.grow(item);
		for (const term of terms) {
			const posting = this.postings.get(term);
			if (posting) posting.push(item);
			else this.addTerm(term, item);
		}
	}

	remove(terms: readonly string[], item: number): void {
		for (const term of terms) {
			const posting = this.postings.get(term);
			const at = posting ? posting.indexOf(item) : -1;
			if (!posting || at < 0) continue;
			// Order within a posting does not matter: swap the last one in.
			posting[at] = posting[posting.length - 1];
			posting.pop();
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

	/** The items matching every query word; each once, in no particular order. */
	match(queryWords: readonly string[]): number[] {
		const groups = queryWords.map(w => this.meanings(w).map(term => this.postings.get(term) ?? []));
		if (groups.length === 0 || groups.some(g => g.length === 0)) return [];
		// One word meaning one catalog word (the common case): its posting is the answer.
		if (groups.length === 1 && groups[0].length === 1) return groups[0][0].slice();
		// Smallest first: later words only confirm items the first one found.
		groups.sort((a, b) => sizeOf(a) - sizeOf(b));
		const round = this.nextRound();
		const { seen, hits } = this;
		for (let i = 0; i < groups.length; i++) {
			for (const posting of groups[i]) {
				for (const item of posting) {
					if (i === 0 && seen[item] !== round) {
						seen[item] = round;
						hits[item] = 1;
					} else if (seen[item] === round && hits[item] === i) hits[item] = i + 1;
				}
			}
		}
		const out: number[] = [];
		const last = groups.length;
		for (const posting of groups[last - 1]) {
			for (const item of posting) {
				if (seen[item] === round && hits[item] === last) {
					hits[item] = 0; // taken: a second posting of the same group must not add it again
					out.push(item);
				}
			}
		}
		return out;
	}

	private nextRound(): number {
		if (this.round === 0xffffffff) {
			this.seen.fill(0);
			this.round = 0;
		}
		return ++this.round;
	}

	private grow(item: number): void {
		const size = Math.max(item + 1, this.seen.length * 2);
		const seen = new Uint32Array(size);
		seen.set(this.seen);
		const hits = new Uint8Array(size);
		hits.set(this.hits);
		this.seen = seen;
		this.hits = hits;
	}

	private addTerm(term: string, item: number): void {
		this.postings.set(term, [item]);
		if (!NUMBER.test(term)) this.terms.add({ id: term });
		for (const end of endingsOf(term)) {
			const set = this.endings.get(end);
			if (set) set.add(term);
			else this.endings.set(end, new Set([term]));
		}
	}

	private removeTerm(term: string): void {
		this.postings.delete(term);
		if (!NUMBER.test(term)) this.terms.discard(term);
		for (const end of endingsOf(term)) {
			const set = this.endings.get(end);
			set?.delete(term);
			if (set?.size === 0) this.endings.delete(end);
		}
	}
}

function sizeOf(group: readonly (readonly unknown[])[]): number {
	return group.reduce((n, posting) => n + posting.length, 0);
}

/** The endings of a word a query may name on their own ("phone" of "headphone"); none for numbers. */
function endingsOf(term: string): string[] {
	if (/\d/.test(term)) return [];
	const out: string[] = [];
	for (let start = 1; term.length - start >= MIN_SUFFIX; start++) out.push(term.slice(start));
	return out;
}
