// What orders checks of a card before anything is reserved: a number that cannot be a card
// is the shopper's typo (422), not a decline. The card itself only ever goes to payments.
import { isCardNumber, normaliseCardNumber } from "../../lib/cards";
import { invalidField } from "../../lib/errors";
import type { CardDetails } from "./orders.contract";

/** The card as payments gets it, or a 422 naming the field. */
export function checkedCard(card: CardDetails): CardDetails {
	const cardNumber = normaliseCardNumber(card.cardNumber);
	if (!isCardNumber(cardNumber)) throw invalidField("payment.cardNumber", "This is not a valid card number");
	return { ...card, cardNumber };
}

export function last4(cardNumber: string): string {
	return normaliseCardNumber(cardNumber).slice(-4);
}
