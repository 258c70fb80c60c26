import crypto from "node:crypto";
import { guestKey, isGuestId, issuedAt, newGuestId, userKey } from "../../services/cart/keys";

const NOW = Date.parse("2026-11-02T10:00:00Z");

describe("guest cart ids", () => {
	it("are long random strings, never repeated", () => {
		const issued = Array.from({ length: 10_000 }, () => newGuestId(NOW));
		expect(new Set(issued).size).toBe(issued.length);
		for (const id of issued.slice(0, 100)) {
			expect(isGuestId(id)).toBe(true);
			// 32 base64url characters carry 192 bits: 128 random, the time issued, a 32-bit MAC.
			expect(Buffer.from(id, "base64url")).toHaveLength(24);
		}
	});

	it("tell when they were issued, and only when we signed them", () => {
		const id = newGuestId(NOW + 999);
		expect(issuedAt(id)).toBe(NOW);
		const raw = Buffer.from(id, "base64url");
		for (let i = 0; i < raw.length; i++) {
			const flipped = Buffer.from(raw);
			flipped[i] ^= 1;
			expect(issuedAt(flipped.toString("base64url"))).toBeNull();
		}
		expect(issuedAt(newGuestId(NOW, crypto.randomBytes(32)))).toBeNull();
		expect(issuedAt("A".repeat(32))).toBeNull();
		expect(issuedAt("not-an-id")).toBeNull();
	});

	it("accept only the shape we hand out", () => {
		for (const bad of ["", "abc", "x".repeat(31), "x".repeat(33), `${"x".repeat(31)}=`, `${"x".repeat(31)}/`, "u:user-1", 42, null, undefined, { $gt: "" }]) {
			expect(isGuestId(bad)).toBe(false);
		}
	});

	it("are never stored as themselves, and cannot name a user's cart", () => {
		const id = newGuestId(NOW);
		expect(guestKey(id)).not.toContain(id);
		expect(guestKey(id)).toBe(guestKey(id));
		expect(guestKey(id).startsWith("g:")).toBe(true);
		expect(userKey(id).startsWith("u:")).toBe(true);
	});
});
