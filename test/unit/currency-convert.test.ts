import { convertMinor } from "../../services/currency/convert";
import { CURRENCIES } from "../../services/currency/rates";

describe("convertMinor", () => {
	it("leaves an amount in its own currency untouched", () => {
		expect(convertMinor(1999, "USD", "USD")).toBe(1999);
	});

	it("converts cents to cents at the table rate", () => {
		// 19.99 USD × 0.8654 = 17.299346 EUR → 1730 cents
		expect(convertMinor(1999, "USD", "EUR")).toBe(1730);
	});

	it("respects currencies without minor units", () => {
		// 19.99 USD × 153.87 = 3075.86 JPY → 3076 yen
		expect(convertMinor(1999, "USD", "JPY")).toBe(3076);
		// 3076 JPY / 153.87 = 19.9909 USD → 1999 cents
		expect(convertMinor(3076, "JPY", "USD")).toBe(1999);
	});

	it("rounds half away from zero", () => {
		// 1 cent USD in EUR is 0.8654 cents → 1; 5 cents is 4.327 → 4; 0 stays 0
		expect(convertMinor(1, "USD", "EUR")).toBe(1);
		expect(convertMinor(5, "USD", "EUR")).toBe(4);
		expect(convertMinor(0, "USD", "EUR")).toBe(0);
		expect(convertMinor(-1999, "USD", "EUR")).toBe(-1730);
	});

	it("returns whole numbers for every pair of currencies", () => {
		for (const from of Object.keys(CURRENCIES))
			for (const to of Object.keys(CURRENCIES)) {
				const result = convertMinor(123_457, from, to);
				expect(Number.isSafeInteger(result)).toBe(true);
			}
	});

	it("refuses fractional amounts and unknown currencies", () => {
		expect(() => convertMinor(19.99, "USD", "EUR")).toThrow(RangeError);
		expect(() => convertMinor(100, "USD", "XXX")).toThrow(/unknown currency XXX/);
	});
});
