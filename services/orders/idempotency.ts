// Idempotency-Key: one key per user names one checkout for 24 hours. What the first request
// asked for is kept as a hash, enough to tell "the same request again" from "a different request
// under a used key".
//
// Only what the shop may keep goes into that hash: the shipping address, and of the card its last
// 4 digits and expiry. Never the full number or the cvc, not even hashed and salted: with the
// issuer prefix guessable and the last 4 on the order, a 16-digit number has six digits left,
// which the Luhn check cuts to 10^5 candidates; with the cvc's 10^3 that is 10^8 hashes, minutes
// of work for anyone who can read the hash and the salt stored beside it. The price: two bodies
// that differ only in the hidden digits or the cvc count as the same request, as they are the
// same card as far as the shop may know; a different address, last 4 or expiry is still a 422.
import crypto from "node:crypto";
import type { CardDetails, Address } from "./orders.contract";
import { last4 } from "./card";

interface CheckoutBody {
	shippingAddress: Address;
	payment: CardDetails;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
export const MAX_KEY_LENGTH = 255;

/** The unique key stored on the order. Without a header, a placeholder no request can name. */
export function idempotencyKeyOf(userId: string, header: string | null | undefined, orderId: string): string {
	return header ? `${userId}|${header}` : `none|${orderId}`;
}

/** A key that frees the real one for a new checkout (after it expired, or after a 5xx). */
export function retiredKey(orderId: string): string {
	return `retired|${orderId}`;
}

/** JSON with keys sorted at every level, so that field order never makes two bodies differ. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
	if (value && typeof value === "object") {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
	}
	return JSON.stringify(value);
}

/** The part of a checkout body that may be stored. */
export function storableBody(body: CheckoutBody): { shippingAddress: Address; card: { last4: string; expMonth: number; expYear: number } } {
	const { cardNumber, expMonth, expYear } = body.payment;
	return { shippingAddress: body.shippingAddress, card: { last4: last4(cardNumber), expMonth, expYear } };
}

/** A SHA-256 of the storable part; no salt, as there is nothing in it to hide beyond what the order shows and the expiry. */
export function hashBody(body: CheckoutBody): string {
	return crypto.createHash("sha256").update(canonicalJson(storableBody(body))).digest("hex");
}

export function sameBody(stored: string, body: CheckoutBody): boolean {
	const again = hashBody(body);
	return stored.length === again.length && crypto.timingSafeEqual(Buffer.from(stored), Buffer.from(again));
}
