// Equal strings held once. Loading a collection parses every line on its own, so each document
// gets its own copy of every value: 100,000 products in 24 categories hold 100,000 copies of
// their category names, and a product never edited holds its creation time twice (createdAt and
// updatedAt). Some 30–50 bytes each. Replacing a value by an equal string changes nothing a
// reader can see; the copies become garbage.

/** A field with more distinct values than this is mostly unique values (ids, names): not shared. */
const MAX_DISTINCT = 4_096;

/**
 * Makes equal top-level string values share one string: within a field holding few distinct
 * values (categories, states, a placeholder image), and between the fields of one document
 * (updatedAt equal to createdAt). Returns how many values now point at a string held elsewhere.
 */
export function shareRepeatedStrings(docs: readonly object[]): number {
	const byField = new Map<string, Map<string, string> | null>();
	let shared = 0;
	const own: string[] = [];
	for (const doc of docs) {
		const fields = doc as Record<string, unknown>;
		own.length = 0;
		for (const key in fields) {
			const value = fields[key];
			if (typeof value !== "string") continue;
			let held = sameIn(own, value);
			let seen = byField.get(key);
			if (seen === undefined) byField.set(key, (seen = new Map()));
			if (held === undefined && seen) {
				held = seen.get(value);
				if (held === undefined && seen.size < MAX_DISTINCT) seen.set(value, value);
				else if (held === undefined) byField.set(key, null);
			}
			// (Strings compare by value: what tells a shared one is where it was found.)
			if (held !== undefined) {
				fields[key] = held;
				shared++;
			}
			own.push(held ?? value);
		}
	}
	return shared;
}

/** The string of `strings` equal to `value` (only those of the same length are compared). */
function sameIn(strings: readonly string[], value: string): string | undefined {
	for (const s of strings) if (s.length === value.length && s === value) return s;
	return undefined;
}
