import { dummyHash, hashPassword, needsRehash, passwordParam, passwordProblem, SCRYPT_COST, verifyPassword } from "../../services/users/password";

// Most tests use a cheap cost: what they check does not depend on it.
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
	it("recognises the password a hash was made from, and only that one", async () => {
		const stored = await hashPassword("correct horse battery staple", CHEAP);
		expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
		expect(await verifyPassword("correct horse battery staplE", stored)).toBe(false);
		expect(await verifyPassword("", stored)).toBe(false);
	});

	it("salts every hash, so equal passwords do not give equal hashes", async () => {
		const [a, b] = await Promise.all([hashPassword("same password", CHEAP), hashPassword("same password", CHEAP)]);
		expect(a).not.toBe(b);
	});

	it("stores neither the password nor anything but the cost, salt and key", async () => {
		const stored = await hashPassword("visible?password", CHEAP);
		expect(stored).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
		expect(stored).not.toContain("visible");
	});

	it("hashes with today's cost by default, and asks for a re-hash of anything made otherwise", async () => {
		const today = await hashPassword("a password");
		expect(today).toContain(`$ln=${Math.log2(SCRYPT_COST.N)},r=${SCRYPT_COST.r},p=${SCRYPT_COST.p}$`);
		expect(needsRehash(today)).toBe(false);
		expect(needsRehash(await hashPassword("a password", CHEAP))).toBe(true);
		expect(needsRehash("md5:5f4dcc3b5aa765d61d8327deb882cf99")).toBe(true);
	});

	it("matches a password typed in another Unicode form (é as one code point or two)", async () => {
		const stored = await hashPassword("caf\u00e9 au lait", CHEAP);
		expect(await verifyPassword("cafe\u0301 au lait", stored)).toBe(true);
	});

	it("refuses anything that is not one of its hashes instead of throwing", async () => {
		for (const stored of ["", "plain text", "$scrypt$ln=10,r=8,p=1$$", "$scrypt$ln=40,r=8,p=1$c2FsdA$a2V5", "$2b$10$abcdefghijklmnopqrstuv"]) {
			expect(await verifyPassword("anything", stored)).toBe(false);
		}
	});

	it("has a dummy hash that no password matches, made once", async () => {
		const dummy = await dummyHash();
		expect(await dummyHash()).toBe(dummy);
		expect(await verifyPassword("", dummy)).toBe(false);
		expect(needsRehash(dummy)).toBe(false); // same cost as real hashes, so it takes the same time
	});
});

describe("password rules", () => {
	const check = (value: unknown) => {
		const errors: { type: string; expected?: number; actual?: unknown }[] = [];
		passwordParam().custom(value, errors);
		return errors;
	};

	it("asks for 8 to 256 characters, counted as characters, not bytes", () => {
		expect(check("1234567")).toEqual([{ type: "stringMin", expected: 8 }]);
		expect(check("12345678")).toEqual([]);
		expect(check("🔑".repeat(8))).toEqual([]); // 8 characters, 16 UTF-16 units
		expect(check("x".repeat(256))).toEqual([]);
		expect(check("x".repeat(257))).toEqual([{ type: "stringMax", expected: 256 }]);
		expect(check(12345678)).toEqual([]); // the rule's own `type: "string"` reports it
		expect(passwordProblem(12345678)).toBe("Password must be a string");
	});

	it("never copies the refused password into the error", () => {
		for (const value of ["short", "x".repeat(300)]) {
			expect(JSON.stringify(check(value))).not.toContain(value);
			expect(passwordProblem(value)).not.toContain(value);
		}
	});

	it("lets a login send a password shorter than the rule for new ones: it is simply wrong or right", () => {
		const errors: object[] = [];
		passwordParam(1).custom("short", errors);
		expect(errors).toEqual([]);
	});
});
