// Equal strings held once. Loading a collection parses every line on its own, so each document
// gets its own copy of every value: 100,000 products in 24 categories hold 100,000 copies of
// their category names, and a product never edited holds its creation time twice (createdAt and
// updatedAt). Some 30–50 bytes each. Replacing a value by an equal string changes nothing a
// reader can see; the copies become garbage.

/** The documents looked at to choose what to share: the rest are then read only for that. */
const SAMPLE = 1_000;
/** Past this many distinct values, a field shared so far is let be (it turned out to hold mostly unique values). */
const MAX_DISTINCT = 4_096;

/**
 * Makes equal top-level string values share one string: within a field holding few distinct
 * values (categories, states, a placeholder image), and between two fields of one document that
 * are mostly equal (updatedAt and createdAt). Which fields, the first documents tell; the pass
 * over the others then reads only those (some 60 ms for 100,000 products, where asking every
 * field of every document took 100–160). Returns how many values now point at a string held elsewhere.
 */
export function shareRepeatedStrings(docs: readonly object[]): number {
	const sample = docs.slice(0, SAMPLE) as Record<string, unknown>[];
	const { fields, pairs } = whatRepeats(sample);
	const held = fields.map(() => new Map<string, string>());
	let shared = 0;
	for (const doc of docs as Record<string, unknown>[]) {
		for (let f = 0; f < fields.length; f++) {
			const value = doc[fields[f]];
			if (typeof value !== "string") continue;
			const same = held[f].get(value);
			if (same !== undefined) {
				doc[fields[f]] = same;
				shared++;
			} else if (held[f].size < MAX_DISTINCT) held[f].set(value, value);
		}
		for (const [first, second] of pairs) {
			const value = doc[first];
			// (Strings compare by value: an equal pair is made one string, whether or not it was.)
			if (typeof value === "string" && doc[second] === value) {
				doc[second] = value;
				shared++;
			}
		}
	}
	return shared;
}

/** The string fields of few distinct values in `sample`, and the pairs of string fields equal in most of its documents. */
function whatRepeats(sample: readonly Record<string, unknown>[]): { fields: string[]; pairs: [string, string][] } {
	const distinct = new Map<string, Set<string>>();
	const equal = new Map<string, number>();
	for (const doc of sample) {
		const strings = Object.keys(doc).filter(key => typeof doc[key] === "string");
		for (const key of strings) {
			const values = distinct.get(key) ?? new Set<string>();
			distinct.set(key, values.add(doc[key] as string));
		}
		for (let i = 0; i < strings.length; i++) {
			for (let j = i + 1; j < strings.length; j++) {
				if (doc[strings[i]] === doc[strings[j]]) equal.set(`${strings[i]}\n${strings[j]}`, (equal.get(`${strings[i]}\n${strings[j]}`) ?? 0) + 1);
			}
		}
	}
	const fields = [...distinct].filter(([, values]) => values.size * 2 <= sample.length).map(([key]) => key);
	const pairs = [...equal].filter(([, n]) => n * 2 >= sample.length).map(([key]) => key.split("\n") as [string, string]);
	return { fields, pairs };
}
