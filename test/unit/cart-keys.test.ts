import { guestKey, isGuestId, newGuestId, userKey } from "../../services/cart/keys";

describe("guest cart ids", () => {
	it("are long random strings, never repeated", () => {
		const issued = Array.from({ length: 10_000 }, newGuestId);
		expect(new Set(issued).size).toBe(issued.length);
		for (const id of issued.slice(0, 100)) {
			expect(isGuestId(id)).toBe(true);
			// 32 base64url characters carry 192 bits.
			expect(Buffer.from(id, "base64url")).toHaveLength(24);
		}
	});

	it("accept only the shape we hand out", () => {
		for (const bad of ["", "abc", "x".repeat(31), "x".repeat(33), `${"x".repeat(31)}=`, `${"x".repeat(31)}/`, "u:user-1", 42, null, undefined, { $gt: "" }]) {
			expect(isGuestId(bad)).toBe(false);
		}
	});

	it("are never stored as themselves, and cannot name a user's cart", () => {
		const id = newGuestId();
		expect(guestKey(id)).not.toContain(id);
		expect(guestKey(id)).toBe(guestKey(id));
		expect(guestKey(id).startsWith("g:")).toBe(true);
		expect(userKey(id).startsWith("u:")).toBe(true);
	});
});
