import fc from "fast-check";
import { isCardNumber } from "../../lib/cards";
import { checkCard, decide, isExpired, TEST_CARDS } from "../../services/payments/card";
import { InvalidInputError } from "../../lib/errors";

const NOW = new Date("2030-06-15T12:00:00Z");
const card = (over: Record<string, unknown> = {}) => ({ cardNumber: "4242424242424242", expMonth: 12, expYear: 2031, cvc: "123", ...over });

/** The 422's field problems, or a failure when the card was accepted. */
function problemsOf(input: unknown): { field: string; message: string }[] {
	try {
		checkCard(input);
	} catch (err) {
		expect(err).toBeInstanceOf(InvalidInputError);
		expect((err as InvalidInputError).code).toBe(422);
		return (err as InvalidInputError).data as { field: string; message: string }[];
	}
	throw new Error("the card was accepted");
}

/** Appends the digit that makes `body` pass Luhn. */
function withCheckDigit(body: string): string {
	for (let d = 0; d <= 9; d++) if (isCardNumber(body + d)) return body + d;
	throw new Error("unreachable");
}

describe("card checks", () => {
	it("accepts the contract's test cards as valid numbers", () => {
		for (const number of Object.keys(TEST_CARDS)) expect(isCardNumber(number)).toBe(true);
	});

	it("refuses a number that fails the Luhn check with a 422 on cardNumber", () => {
		expect(problemsOf(card({ cardNumber: "4242424242424241" }))).toEqual([{ field: "cardNumber", message: expect.any(String) }]);
	});

	it("catches any single mistyped digit (the Luhn check's promise)", () => {
		fc.assert(
			fc.property(fc.stringMatching(/^\d{15}$/), fc.nat(15), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
				const number = withCheckDigit(body);
				const typo = number.slice(0, pos) + ((Number(number[pos]) + delta) % 10) + number.slice(pos + 1);
				expect(isCardNumber(typo)).toBe(false);
			}),
		);
	});

	it("takes the number as shoppers type it, with spaces or dashes", () => {
		expect(checkCard(card({ cardNumber: "4242 4242-4242 4242" })).number).toBe("4242424242424242");
	});

	it("names every bad field at once, and never echoes the card number or cvc", () => {
		const problems = problemsOf({ cardNumber: "1234567812345678", expMonth: 13, expYear: 31, cvc: "98765" });
		expect(problems.map(p => p.field).sort()).toEqual(["cardNumber", "cvc", "expMonth", "expYear"]);
		expect(JSON.stringify(problems)).not.toMatch(/12345678|98765/);
	});

	it("refuses a cvc that is not 3 or 4 digits, and accepts both lengths", () => {
		expect(problemsOf(card({ cvc: "12" }))).toEqual([{ field: "cvc", message: expect.any(String) }]);
		expect(problemsOf(card({ cvc: 123 }))).toEqual([{ field: "cvc", message: expect.any(String) }]);
		expect(checkCard(card({ cvc: "1234" })).last4).toBe("4242");
	});

	it("refuses fields a card does not have", () => {
		expect(problemsOf(card({ holder: "A. Shopper" }))).toEqual([{ field: "holder", message: expect.any(String) }]);
	});

	it("keeps only the last 4 digits for the record", () => {
		expect(checkCard(card({ cardNumber: "4000000000009995" })).last4).toBe("9995");
	});
});

describe("the processor's decision", () => {
	const decideFor = (cardNumber: string, over: Record<string, unknown> = {}) => decide(checkCard(card({ cardNumber, ...over })), NOW);

	it("approves 4242424242424242", () => {
		expect(decideFor("4242424242424242")).toBeNull();
	});

	it("declines 4000000000000002", () => {
		expect(decideFor("4000000000000002")).toBe("card_declined");
	});

	it("declines 4000000000009995 for insufficient funds", () => {
		expect(decideFor("4000000000009995")).toBe("insufficient_funds");
	});

	it("approves any other number that passes the Luhn check", () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[1-9]\d{14}$/), body => {
				const number = withCheckDigit(body);
				fc.pre(!(number in TEST_CARDS));
				expect(decideFor(number)).toBeNull();
			}),
		);
	});

	it("treats a card as good through the last day of its expiry month, and declines it after", () => {
		expect(isExpired({ expMonth: 6, expYear: 2030 }, new Date("2030-06-30T23:59:59Z"))).toBe(false);
		expect(isExpired({ expMonth: 6, expYear: 2030 }, new Date("2030-07-01T00:00:00Z"))).toBe(true);
		expect(isExpired({ expMonth: 12, expYear: 2030 }, new Date("2030-12-31T23:59:59Z"))).toBe(false);
		expect(decideFor("4242424242424242", { expMonth: 5, expYear: 2030 })).toBe("expired_card");
	});
});
