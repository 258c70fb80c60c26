// Who owns a cart, as a storage key, and the guest cart ids handed to browsers. Users' and
// guests' keys live in different namespaces, so a guest cart id can never name a user's cart.
//
// A guest id is signed: 16 random bytes, the second it was issued, and a MAC over both. A guest
// cart is stored on its first write only (a visitor who only looks costs the store nothing),
// so until then the MAC is how any cart node recognises an id it handed out: fresh, it names an
// empty cart; forged, guessed or too old, it is answered with a new id.
import crypto from "node:crypto";
import { jwtSecret } from "../../lib/tokens";

const RANDOM_BYTES = 16;
const TIME_BYTES = 4;
const MAC_BYTES = 4;
const GUEST_ID = /^[A-Za-z0-9_-]{32}$/;

let derivedKey: Buffer | null = null;

/** The key guest ids are signed with, derived from the shop's secret (JWT_SECRET): every node derives the same. */
export function guestIdKey(): Buffer {
	return (derivedKey ??= crypto.createHmac("sha256", jwtSecret()).update("cart: guest ids").digest());
}

function mac(body: Buffer, key: Buffer): Buffer {
	return crypto.createHmac("sha256", key).update(body).digest().subarray(0, MAC_BYTES);
}

/** A new guest cart id, as sent to the client in X-Cart-Id; 128 random bits, so guessing a live one is out of reach. */
export function newGuestId(now: number, key: Buffer = guestIdKey()): string {
	const body = Buffer.alloc(RANDOM_BYTES + TIME_BYTES);
	crypto.randomFillSync(body, 0, RANDOM_BYTES);
	body.writeUInt32BE(Math.floor(now / 1000), RANDOM_BYTES);
	return Buffer.concat([body, mac(body, key)]).toString("base64url");
}

/** When we issued `guestId` (epoch ms, to the second), or null when it is not an id we signed. */
export function issuedAt(guestId: string, key: Buffer = guestIdKey()): number | null {
	const raw = Buffer.from(guestId, "base64url");
	if (!isGuestId(guestId) || raw.length !== RANDOM_BYTES + TIME_BYTES + MAC_BYTES) return null;
	const body = raw.subarray(0, RANDOM_BYTES + TIME_BYTES);
	if (!crypto.timingSafeEqual(mac(body, key), raw.subarray(RANDOM_BYTES + TIME_BYTES))) return null;
	return body.readUInt32BE(RANDOM_BYTES) * 1000;
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
