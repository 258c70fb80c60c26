// Card checks of the simulated processor. Nothing here ever puts a card number or a cvc into an
// error, a log line or a return value: problems name the field, never its value.
import { isCardNumber, normaliseCardNumber } from "../../lib/cards";
import { InvalidInputError, type FieldProblem } from "../../lib/errors";
import type { DeclineReason } from "./payments.contract";

/** A card that passed the format checks, reduced to what a decision needs. */
export interface CheckedCard {
	/** Digits only. Held in memory for the decision, never stored. */
	number: string;
	last4: string;
	expMonth: number;
	expYear: number;
}

const FIELDS = ["cardNumber", "expMonth", "expYear", "cvc"];

/** The contract's test cards; any other number that passes the Luhn check is approved. */
export const TEST_CARDS: Readonly<Record<string, DeclineReason | null>> = {
	"4242424242424242": null,
	"4000000000000002": "card_declined",
	"4000000000009995": "insufficient_funds",
};

/**
 * The format of a card: 12–19 digits (spaces and dashes allowed) passing Luhn, month 1–12,
 * a four-digit year, cvc of 3–4 digits. All problems at once, as a 422.
 * Whether the card has expired is not a format question: see `decide`.
 */
export function checkCard(input: unknown): CheckedCard {
	const card = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
	const problems: FieldProblem[] = [];

	const number = typeof card.cardNumber === "string" ? normaliseCardNumber(card.cardNumber) : null;
	if (number === null || !/^\d{12,19}$/.test(number)) problems.push({ field: "cardNumber", message: "The card number must be 12 to 19 digits" });
	else if (!isCardNumber(number)) problems.push({ field: "cardNumber", message: "The card number is not valid" });

	const { expMonth, expYear, cvc } = card;
	if (!Number.isInteger(expMonth) || (expMonth as number) < 1 || (expMonth as number) > 12)
		problems.push({ field: "expMonth", message: "The expiry month must be a whole number from 1 to 12" });
	if (!Number.isInteger(expYear) || (expYear as number) < 1000 || (expYear as number) > 9999)
		problems.push({ field: "expYear", message: "The expiry year must have four digits" });
	if (typeof cvc !== "string" || !/^\d{3,4}$/.test(cvc)) problems.push({ field: "cvc", message: "The cvc must be 3 or 4 digits" });

	for (const key of Object.keys(card)) {
		if (!FIELDS.includes(key)) problems.push({ field: key, message: `The '${key}' field is not allowed` });
	}

	if (problems.length > 0 || number === null) throw new InvalidInputError("The card details are not valid", problems);
	return { number, last4: number.slice(-4), expMonth: expMonth as number, expYear: expYear as number };
}

/** A card is good through the last day of its expiry month (UTC). */
export function isExpired(card: Pick<CheckedCard, "expMonth" | "expYear">, now: Date): boolean {
	const firstDayAfter = Date.UTC(card.expYear, card.expMonth, 1);
	return now.getTime() >= firstDayAfter;
}

/** The processor's answer for a well-formed card: null approves, anything else is the decline reason. */
export function decide(card: CheckedCard, now: Date): DeclineReason | null {
	if (isExpired(card, now)) return "expired_card";
	return TEST_CARDS[card.number] ?? null;
}
