// Equal strings held once when a NeDB collection is loaded (lib/store/share-strings.ts).
import { shareRepeatedStrings } from "../../lib/store/share-strings";

/** A string made at run time, as JSON.parse makes each value: equal to `s`, not the same string. */
const copyOf = (s: string) => JSON.parse(JSON.stringify({ s })).s as string;

describe("sharing repeated strings", () => {
	it("shares the values of a field holding few, and a value equal to another field of the same document", () => {
		const docs = Array.from({ length: 10 }, (_, i) => ({ _id: `p-${i}`, category: copyOf(i % 2 ? "lamps" : "desks"), createdAt: copyOf(`2024-01-0${i}`), updatedAt: copyOf(`2024-01-0${i}`), price: i }));
		const before = JSON.parse(JSON.stringify(docs));
		// Categories: 8 of 10 found already held; updatedAt: 10 equal to their createdAt.
		expect(shareRepeatedStrings(docs)).toBe(18);
		expect(docs).toEqual(before);
	});

	it("gives up on a field once it holds thousands of distinct values (ids, names): nothing to share there", () => {
		const docs = Array.from({ length: 10_000 }, (_, i) => ({ _id: `p-${i}`, name: `Lamp ${i}` }));
		const later = [{ _id: "x", name: "Lamp 1" }];
		expect(shareRepeatedStrings([...docs, ...later])).toBe(0);
		expect(later[0].name).toBe("Lamp 1");
	});
});
