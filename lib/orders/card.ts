// What orders checks of a card before anything is reserved: a number that cannot be a card
// is the shopper's typo (422), not a decline. The card itself only ever goes to payments.
import { invalidField } from "../errors";
import type { CardDetails } from "../../types/orders";

/** Digits only: shoppers type spaces and dashes. */
export function normaliseCardNumber(raw: string): string {
	return raw.replace(/[\s-]/g, "");
}

export function passesLuhn(digits: string): boolean {
	if (!/^\d{12,19}$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** The card as payments gets it, or a 422 naming the field. */
export function checkedCard(card: CardDetails): CardDetails {
	const cardNumber = normaliseCardNumber(card.cardNumber);
	if (!passesLuhn(cardNumber)) throw invalidField("payment.cardNumber", "This is not a valid card number");
	return { ...card, cardNumber };
}

export function last4(cardNumber: string): string {
	return normaliseCardNumber(cardNumber).slice(-4);
}
