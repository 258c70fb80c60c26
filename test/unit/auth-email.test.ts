import { performance } from "node:perf_hooks";
import { emailRuleBroken, isMailbox } from "../../services/users/email";

describe("one address, one mailbox", () => {
	it("accepts plain addresses, with tags, dots and subdomains", () => {
		for (const ok of ["ann@example.com", "ann.b.c+shop@mail.example.co.uk", "o'hara@x-y.test", "  Ann@Example.COM "]) {
			expect(emailRuleBroken(ok)).toBeNull();
		}
	});

	it("refuses lists, separators, spaces, line breaks and a second '@': nobody else may be mailed", () => {
		for (const bad of [
			"eve@x.test,victim@y.test",
			"eve@x.test;victim@y.test",
			"eve@x.test victim@y.test",
			"eve@x.test\r\nBcc: victim@y.test",
			"eve@x.test\nvictim@y.test",
			"eve@victim@y.test",
			"Eve <eve@x.test>",
			'"eve"@x.test',
			"eve@[127.0.0.1]",
			"eve@localhost",
			".eve@x.test",
			"eve..x@x.test",
			"eve@-x.test",
			"@x.test",
			"eve@",
		]) {
			expect({ bad, broken: emailRuleBroken(bad) }).toEqual({ bad, broken: { type: "email" } });
		}
	});

	it("refuses what is too long before looking at it, and is quick whatever the shape", () => {
		for (const shape of ["@", "a@", "a.", "a", " "]) {
			const value = shape.repeat(100_000);
			const started = performance.now();
			expect(emailRuleBroken(value)?.type).toBe("stringMax");
			expect(isMailbox(value)).toBe(false);
			expect(performance.now() - started).toBeLessThan(50);
		}
		expect(emailRuleBroken(`${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`)).toEqual({ type: "stringMax", expected: 254 });
		expect(emailRuleBroken(`${"a".repeat(65)}@x.test`)).toEqual({ type: "email" });
	});

	it("says what is wrong with a value that is no string or empty", () => {
		expect(emailRuleBroken(42)).toEqual({ type: "string" });
		expect(emailRuleBroken("   ")).toEqual({ type: "stringEmpty" });
	});
});
