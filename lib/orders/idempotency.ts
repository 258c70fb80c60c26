// Idempotency-Key: one key per user names one checkout for 24 hours. The body it came with is
// kept as a salted hash (it holds a card number), enough to tell "the same request again"
// from "a different request under a used key".
import crypto from "node:crypto";
import type { CardDetails, Address } from "../../types/orders";

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

/** `salt:hash`, with a fresh salt, so the stored value says nothing about the card. */
export function hashBody(body: { shippingAddress: Address; payment: CardDetails }, salt = crypto.randomBytes(16).toString("hex")): string {
	const hash = crypto.createHmac("sha256", salt).update(canonicalJson(body)).digest("hex");
	return `${salt}:${hash}`;
}

export function sameBody(stored: string, body: { shippingAddress: Address; payment: CardDetails }): boolean {
	const [salt, hash] = stored.split(":");
	const again = hashBody(body, salt).split(":")[1];
	return hash.length === again.length && crypto.timingSafeEqual(Buffer.from(hash), Buffer.from(again));
}
