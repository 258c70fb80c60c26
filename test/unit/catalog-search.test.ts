import fc from "fast-check";
import { MAX_QUERY_WORDS, queryWords, stem, termsOf, typos, unicodeWords, Vocabulary, words } from "../../services/products/search";

/** A vocabulary over named texts (items are their positions); `find` answers the names matching a query, sorted. */
function vocabularyOf(texts: Record<string, string>) {
	const vocabulary = new Vocabulary();
	const names = Object.keys(texts);
	names.forEach((name, item) => vocabulary.add(termsOf(texts[name], ""), item));
	const find = (q: string) => vocabulary.match(queryWords(q)).map(item => names[item]).sort();
	return { vocabulary, names, find };
}

const SHOP = {
	lamp: "LED Desk Lamp",
	headlamp: "Rechargeable Headlamp",
	kettle: "Gooseneck Electric Kettle",
	headphones: "Noise-Cancelling Headphones",
	phone: "Phone Stand",
	gloves: "Touchscreen Gloves for the cold",
	skillet: "Cast Iron Skillet",
	cost: "Low cost mug",
};

/** Words of letters (accented too) and digits: Latin-1's × and ÷ sit inside À-ÿ but are no letters. */
const LETTERS_AND_DIGITS = /^[A-Za-zÀ-ÖØ-öø-ÿ0-9]{1,30}$/;

describe("catalog search", () => {
	it("splits text into lower-case words without accents or punctuation", () => {
		expect(words("Crème Brûlée: the Chef's Pick, 8\"")).toEqual(["creme", "brulee", "the", "chef", "s", "pick", "8"]);
		expect(words("Noise-Cancelling  HEADPHONES")).toEqual(["noise", "cancelling", "headphones"]);
		expect(words("Straße STRASSE")).toEqual(["strasse", "strasse"]);
	});

	it("splits plain ASCII text as the Unicode path would", () => {
		// Against the Unicode path itself, which words() takes for text that is not ASCII.
		fc.assert(fc.property(fc.string({ unit: "binary-ascii", maxLength: 80 }), text => expect(words(text)).toEqual(unicodeWords(text))));
		expect(words("Compact WALNUT kettle-42, x".repeat(3))).toEqual(unicodeWords("Compact WALNUT kettle-42, x".repeat(3)));
	});

	it("brings plurals to their singular, and leaves other words alone", () => {
		expect(["lamps", "kettles", "batteries", "boxes", "glasses", "benches", "phones"].map(stem)).toEqual(["lamp", "kettle", "battery", "box", "glass", "bench", "phone"]);
		expect(["glass", "cactus", "chassis", "bus", "350s", "lamp"].map(stem)).toEqual(["glass", "cactus", "chassis", "bus", "350s", "lamp"]);
	});

	it("finds a product by its plural: 'lamps' finds the lamp (and the headlamp, a lamp too)", () => {
		expect(vocabularyOf(SHOP).find("lamps")).toEqual(["headlamp", "lamp"]);
	});

	it("forgives a typo when no word is spelt that way: 'kettel' finds the kettle", () => {
		expect(vocabularyOf(SHOP).find("kettel")).toEqual(["kettle"]);
	});

	it("never turns a real word into another one: 'cast' does not find 'cost'", () => {
		expect(vocabularyOf(SHOP).find("cast")).toEqual(["skillet"]);
	});

	it("finds words inside compound words: 'phones' finds headphones and phones, not gloves", () => {
		expect(vocabularyOf(SHOP).find("phones")).toEqual(["headphones", "phone"]);
	});

	it("finds words by their beginning while the shopper types, and needs every word", () => {
		const { find } = vocabularyOf(SHOP);
		expect(find("headph")).toEqual(["headphones"]);
		expect(find("head")).toEqual(["headlamp", "headphones"]);
		expect(find("cast iron")).toEqual(["skillet"]);
		expect(find("cast zeppelin")).toEqual([]);
	});

	it("forgets a product's words when it is removed", () => {
		const { vocabulary, names, find } = vocabularyOf(SHOP);
		vocabulary.remove(termsOf(SHOP.kettle, ""), names.indexOf("kettle"));
		expect(find("kettle")).toEqual([]);
		expect(find("gooseneck")).toEqual([]);
	});

	it("matches what a shopper types to what a product is stored under", () => {
		fc.assert(
			fc.property(fc.array(fc.stringMatching(LETTERS_AND_DIGITS), { minLength: 1, maxLength: 6 }), fc.nat(), (nameWords, pick) => {
				const name = nameWords.join(" ");
				const { find } = vocabularyOf({ p: name });
				const word = words(name)[pick % words(name).length];
				// The whole word, and any start of it from 3 letters (numbers: whole only), typed in any case.
				const start = /^\d+$/.test(word) ? word : word.slice(0, Math.max(3, Math.min(word.length, 3 + (pick % 5))));
				for (const typed of [word, word.toUpperCase(), start]) {
					expect(find(typed)).toEqual(["p"]);
				}
			}),
		);
	});

	it("finds numbers whole: '350' finds the 350 lm lamp, not the 3500 one", () => {
		const { find } = vocabularyOf({ small: "Headlamp 350 lm", big: "Floodlight 3500 lm" });
		expect(find("350")).toEqual(["small"]);
		expect(find("35")).toEqual([]);
	});

	// Thousands of items on a few words: every word is common, so its posting has a bitmap and
	// words (and a filter bitmap, as a category) are crossed 32 items at a time; the items pass
	// 1024 and 2048, so the bitmaps grow under it, and removals clear bits.
	it("crosses common words and a filter by bitmaps as walking the postings would", () => {
		const crossed = jest.spyOn(Vocabulary.prototype as unknown as { everyByBits: () => number[] }, "everyByBits");
		const WORDS = ["oak", "desk", "lamp", "kettle", "kettles", "scarf"];
		fc.assert(
			fc.property(
				fc.array(fc.subarray(WORDS, { minLength: 1 }), { minLength: 1000, maxLength: 2600 }),
				fc.array(fc.nat(), { maxLength: 200 }),
				fc.array(fc.subarray(["oak", "desk", "lamp", "kett", "scarf"], { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
				fc.nat(),
				(items, removals, queries, seed) => {
					const vocabulary = new Vocabulary();
					const held = new Map(items.map((terms, item) => [item, terms]));
					items.forEach((terms, item) => vocabulary.add(terms, item));
					for (const r of removals) {
						const item = r % items.length;
						if (held.has(item)) vocabulary.remove(held.get(item)!, item);
						held.delete(item);
					}
					const inFilter = (item: number) => (item * 7 + seed) % 3 === 0;
					const filter = new Uint32Array(items.length >>> 5);
					for (let item = 0; item < filter.length * 32; item++) if (inFilter(item)) filter[item >>> 5] |= 1 << (item & 31);
					for (const query of queries) {
						const groups = vocabulary.groups(query)!;
						const expected = [...held].filter(([, terms]) => query.every(q => terms.some(t => t.startsWith(q)))).map(([item]) => item);
						expect(vocabulary.every(groups).sort((a, b) => a - b)).toEqual(expected);
						expect(vocabulary.every(groups, undefined, filter).sort((a, b) => a - b)).toEqual(expected.filter(item => item < filter.length * 32 && inFilter(item)));
					}
				},
			),
			{ numRuns: 25 },
		);
		expect(crossed).toHaveBeenCalled();
		crossed.mockRestore();
	});

	it("keeps to a filter's bitmap when it walks a rare word as when it crosses bitmaps", () => {
		const vocabulary = new Vocabulary();
		// "oak" in every item (a bitmap), "tripod" in every 50th (a short posting, walked).
		for (let item = 0; item < 3_000; item++) vocabulary.add(item % 50 === 0 ? ["oak", "tripod"] : ["oak"], item);
		const inFilter = (item: number) => item % 100 === 0;
		const filter = new Uint32Array(3_000 >>> 5);
		for (let item = 0; item < filter.length * 32; item++) if (inFilter(item)) filter[item >>> 5] |= 1 << (item & 31);
		const expected = Array.from({ length: filter.length * 32 }, (_, item) => item).filter(item => item % 50 === 0 && inFilter(item));
		expect(vocabulary.every(vocabulary.groups(["tripod"])!, undefined, filter).sort((a, b) => a - b)).toEqual(expected);
		expect(vocabulary.every(vocabulary.groups(["tripod", "oak"])!, undefined, filter).sort((a, b) => a - b)).toEqual(expected);
		expect(vocabulary.every(vocabulary.groups(["oak"])!, item => item % 50 === 0, filter).sort((a, b) => a - b)).toEqual(expected);
	});

	it("finds a word held by one item, then by two, then by the second alone, then by none", () => {
		const vocabulary = new Vocabulary();
		vocabulary.add(["x100", "lamp"], 0);
		expect(vocabulary.match(["x100"])).toEqual([0]);
		vocabulary.add(["x100"], 1);
		expect(vocabulary.match(["x100"]).sort()).toEqual([0, 1]);
		vocabulary.remove(["x100", "lamp"], 0);
		expect(vocabulary.match(["x100"])).toEqual([1]);
		vocabulary.remove(["x100"], 1);
		vocabulary.remove(["x100"], 1);
		expect(vocabulary.match(["x100"])).toEqual([]);
		expect(vocabulary.meanings("x100")).toEqual([]);
	});

	it("keeps a long posting in order as items come and go, out of order too", () => {
		const vocabulary = new Vocabulary((a, b) => (a % 7) - (b % 7) || a - b);
		const held = new Set<number>();
		for (let i = 0; i < 300; i++) {
			const item = (i * 37) % 300;
			vocabulary.add(["oak"], item);
			held.add(item);
			if (i % 3 === 0) {
				vocabulary.remove(["oak"], (i * 11) % 300);
				held.delete((i * 11) % 300);
			}
		}
		expect(vocabulary.match(["oak"]).sort((a, b) => a - b)).toEqual([...held].sort((a, b) => a - b));
		expect(Array.from(vocabulary.groups(["oak"])![0].postings[0])).toEqual([...held].sort((a, b) => (a % 7) - (b % 7) || a - b));
		for (const item of held) vocabulary.remove(["oak"], item);
		expect(vocabulary.match(["oak"])).toEqual([]);
	});

	it("asks for every query word once, at most a few", () => {
		expect(queryWords("cast IRON cast skillets")).toEqual(["cast", "iron", "skillet"]);
		expect(queryWords("a b c d e f g h i j k")).toHaveLength(MAX_QUERY_WORDS);
		expect(queryWords("  .*  $ne {} ")).toEqual(["ne"]);
		expect(queryWords("!!!")).toEqual([]);
	});
});

describe("typos", () => {
	it("counts a swap of two neighbours as one typo, as a shopper would", () => {
		expect(typos("kettel", "kettle")).toBe(1);
		expect(typos("pepper", "paper")).toBe(2);
		expect(typos("lamp", "lamp")).toBe(0);
		expect(typos("", "abc")).toBe(3);
	});
});
