// What a shopper reads when something did not work. The API speaks to programs (codes such as
// "insufficient_funds", a validator's "The 'shippingAddress.street' field length must be…");
// these functions turn its answers into sentences that say what happened, which field it is
// about and what to do next. Pure functions: no DOM, no requests.

/** A refused card, by the processor's reason. Each says that nothing was charged. */
const DECLINED = {
	card_declined: "Your bank declined this card. Nothing was charged: use another card, or ask your bank why.",
	insufficient_funds: "Your bank declined this card for lack of funds. Nothing was charged: use another card.",
	expired_card: "This card has expired. Nothing was charged: check the expiry date, or use another card.",
};
const DECLINED_OTHER = "Your card was not accepted. Nothing was charged: use another card.";

/** The field a decline is about: an expired card is an expiry problem, the rest the card's. */
export function declinedField(err) {
	return err?.data?.reason === "expired_card" ? "payment.expMonth" : "payment.cardNumber";
}

/**
 * The sentence for a failed request. `names` maps product ids to names (for stock answers);
 * `adding` is how many the shopper was adding when the answer is about a cart line.
 */
export function shopperMessage(err, { names, adding } = {}) {
	if (!err) return "Something went wrong. Try again.";
	if (err.type === "PAYMENT_DECLINED" || err.status === 402) return DECLINED[err.data?.reason] ?? DECLINED_OTHER;
	if (err.type === "OUT_OF_STOCK") return stockMessage(err.data?.lines, names, adding);
	if (err.status === 503) return "This part of the shop is not answering right now. Try again in a few seconds.";
	if (err.status === 429) return "That was a lot of requests at once. Wait a few seconds, then try again.";
	if (err.status === 422 && err.type === "VALIDATION_ERROR" && err.fields?.some(f => f.type)) return "Some details need correcting.";
	return err.message || "Something went wrong. Try again.";
}

/** "Only 6 left of Two-Person Backpacking Tent." for each short line, with what to do. */
export function stockMessage(lines, names, adding) {
	const short = Array.isArray(lines) ? lines : [];
	if (short.length === 0) return "There is not enough stock for this. Choose a smaller quantity.";
	return short
		.map(line => {
			const name = names?.get?.(line.productId) ?? names?.[line.productId] ?? "this product";
			const left = Math.max(0, line.available ?? 0);
			if (left === 0) return `${name} is sold out.`;
			const inCart = adding !== undefined ? (line.requested ?? 0) - adding : 0;
			const already = inCart > 0 ? ` Your cart already holds ${inCart}.` : "";
			return `Only ${left} left of ${name}.${already} Choose ${left === 1 ? "1" : `up to ${left}`}${inCart > 0 ? " in all" : ""}.`;
		})
		.join(" ");
}

/** "Choose a quantity from 0 to 6." with why, when stock is the limit. */
export function quantityRangeMessage(limit, available) {
	const range = `Choose a quantity from 0 to ${limit}.`;
	return available !== null && available !== undefined && available <= limit ? `Only ${available} left. ${range}` : range;
}

// The validator's rule types, grouped by what the shopper has to do about them.
const EMPTY = new Set(["required", "stringEmpty", "arrayEmpty", "emptyValue"]);
const TOO_SHORT = new Set(["stringMin", "stringLength"]);
const TOO_LONG = new Set(["stringMax"]);
const NUMBER = new Set(["number", "numberMin", "numberMax", "numberInteger", "numberPositive", "numberEqual", "numberNotEqual"]);

/**
 * One field's problem as the shopper reads it, naming the field by its label. A message the shop
 * wrote by hand (no validator `type`) is already meant for people and is kept.
 * `input`: the form control ({ value, minLength, maxLength, type }) when there is one.
 */
export function fieldMessage(problem, label, input) {
	const name = `“${label}”`;
	const type = problem?.type;
	if (!type) return problem?.message || `Check ${name}.`;
	const value = typeof input?.value === "string" ? input.value.trim() : "";
	if (EMPTY.has(type) || (TOO_SHORT.has(type) && value === "")) return `Fill in ${name}.`;
	if (TOO_SHORT.has(type)) return input?.minLength > 0 ? `${name} needs at least ${input.minLength} characters.` : `${name} is too short.`;
	if (TOO_LONG.has(type)) return input?.maxLength > 0 ? `${name} can have at most ${input.maxLength} characters: shorten it.` : `${name} is too long: shorten it.`;
	if (type === "email") return `Check ${name}: an address looks like name@example.com.`;
	if (NUMBER.has(type)) return `Enter a valid number in ${name}.`;
	if (type === "enumValue") return `Choose one of the options in ${name}.`;
	return `Check ${name}: it does not look right.`;
}

/** The card's expiry as the form has it, checked against today (a card is good through its month). */
export function expiryProblem(month, year, today = new Date()) {
	if (!Number.isInteger(month) || !Number.isInteger(year)) return null;
	const thisYear = today.getFullYear();
	const thisMonth = today.getMonth() + 1;
	if (year > thisYear || (year === thisYear && month >= thisMonth)) return null;
	const when = `${String(month).padStart(2, "0")}/${year}`;
	return year < thisYear
		? { field: "payment.expYear", message: `A card that expired in ${when} cannot be charged. Check the expiry year, or use another card.` }
		: { field: "payment.expMonth", message: `A card that expired in ${when} cannot be charged. Check the expiry month, or use another card.` };
}
