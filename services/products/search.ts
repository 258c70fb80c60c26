// Search without scanning the catalog. Each product stores `keywords`: the words of its name and
// description, lower-cased and stripped of accents, plus every prefix of 3 letters or more of
// each word. The store indexes `keywords` (a multikey index in MongoDB, an array index in NeDB),
// so `q=headph` finds "Noise-Cancelling Headphones" by an index lookup, not a pass over every
// product.
//
// Why not a regex over name and description: it reads every document on every search.
// Why not MongoDB's $text: NeDB has nothing like it, and it matches stems, not prefixes.
//
// Limits, by design: a query word matches the start of a word ("phone" does not find
// "headphones"), words shorter than 3 letters match whole words only, every query word must match
// (AND), there is no ranking by relevance (results follow the chosen sort), and only the first
// MAX_QUERY_WORDS words of a query count. Keywords cost storage: about 4 per word of text.

/** Words longer than this are cut, in products and in queries alike, so both sides agree. */
const MAX_WORD = 24;
const MIN_PREFIX = 3;
export const MAX_QUERY_WORDS = 8;

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

/** What a product is found by: each word, and each prefix of it from MIN_PREFIX letters on. */
export function keywordsOf(name: string, description: string): string[] {
	const out = new Set<string>();
	for (const word of words(`${name} ${description}`)) {
		out.add(word);
		for (let n = MIN_PREFIX; n < word.length; n++) out.add(word.slice(0, n));
	}
	return [...out];
}

/**
 * The words a query must all match, longest first (the longest is usually the most selective,
 * and the store picks its index candidates from the first one). Empty when the query has no
 * letter or digit at all.
 */
export function queryWords(q: string): string[] {
	const unique = [...new Set(words(q))].slice(0, MAX_QUERY_WORDS);
	return unique.sort((a, b) => b.length - a.length || a.localeCompare(b));
}
