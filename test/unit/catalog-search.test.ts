import fc from "fast-check";
import { keywordsOf, MAX_QUERY_WORDS, queryWords, words } from "../../services/products/search";

describe("catalog search keywords", () => {
	it("splits text into lower-case words without accents or punctuation", () => {
		expect(words("Crème Brûlée: the Chef's Pick, 8\"")).toEqual(["creme", "brulee", "the", "chef", "s", "pick", "8"]);
		expect(words("Noise-Cancelling  HEADPHONES")).toEqual(["noise", "cancelling", "headphones"]);
		expect(words("Straße STRASSE")).toEqual(["strasse", "strasse"]);
	});

	it("finds a product by any word of its name or description, and by any start of 3 letters or more", () => {
		const keywords = keywordsOf("Gooseneck Kettle", "Precise pour spout");
		for (const k of ["gooseneck", "goo", "goose", "kettle", "ket", "precise", "pour", "spout", "spo"]) expect(keywords).toContain(k);
		expect(keywords).not.toContain("go");
		expect(keywords).not.toContain("neck");
		expect(new Set(keywords).size).toBe(keywords.length);
	});

	it("keeps words shorter than 3 letters whole", () => {
		expect(keywordsOf("A 3 L Pot", "")).toEqual(expect.arrayContaining(["a", "3", "l", "pot"]));
	});

	it("matches what a shopper types to what a product is stored under", () => {
		fc.assert(
			fc.property(fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿ0-9]{1,30}$/), { minLength: 1, maxLength: 6 }), fc.nat(), (nameWords, pick) => {
				const name = nameWords.join(" ");
				const keywords = new Set(keywordsOf(name, ""));
				const word = words(name)[pick % words(name).length];
				// The whole word, and any start of it from 3 letters, typed in any case.
				for (const typed of [word, word.toUpperCase(), word.slice(0, Math.max(3, Math.min(word.length, 3 + (pick % 5))))]) {
					for (const w of queryWords(typed)) expect(keywords.has(w)).toBe(true);
				}
			}),
		);
	});

	it("asks for every query word once, the longest (most selective) first, at most a few", () => {
		expect(queryWords("cast IRON cast skillet")).toEqual(["skillet", "cast", "iron"]);
		expect(queryWords("a b c d e f g h i j k")).toHaveLength(MAX_QUERY_WORDS);
		expect(queryWords("  .*  $ne {} ")).toEqual(["ne"]);
		expect(queryWords("!!!")).toEqual([]);
	});
});
