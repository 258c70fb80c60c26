// Who owns a cart, as a storage key. Users' and guests' keys live in different namespaces, so a
// guest cart id can never name a user's cart.
import crypto from "node:crypto";

/** 192 random bits: guessing a live guest cart id is out of reach. */
const GUEST_ID_BYTES = 24;
const GUEST_ID = /^[A-Za-z0-9_-]{32}$/;

/** A new guest cart id, as sent to the client in X-Cart-Id. */
export function newGuestId(): string {
	return crypto.randomBytes(GUEST_ID_BYTES).toString("base64url");
}

/** Whether `value` has the shape of an id we hand out; anything else is treated as no id. */
export function isGuestId(value: unknown): value is string {
	return typeof value === "string" && GUEST_ID.test(value);
}

/**
 * The store holds a hash of the guest id, never the id itself: a copy of the database or a
 * log of its keys does not let anyone open the carts in it.
 */
export function guestKey(guestId: string): string {
	return `g:${crypto.createHash("sha256").update(guestId).digest("base64url")}`;
}

export function userKey(userId: string): string {
	return `u:${userId}`;
}
