import { TokenVersions } from "../../services/api/token-versions";

describe("token versions at the gateway", () => {
	it("asks once for many concurrent requests of one user, and honours only the current version", async () => {
		let asked = 0;
		const versions = new TokenVersions(async () => (asked++, 3), 60_000);
		expect(await Promise.all([versions.check("u1", 3), versions.check("u1", 3), versions.check("u1", 2)])).toEqual(["current", "current", "revoked"]);
		expect(asked).toBe(1);
	});

	it("has nothing revoked for a user the users service does not know (the token's signature is all there is)", async () => {
		const versions = new TokenVersions(async () => null, 60_000);
		expect(await versions.check("minted", 0)).toBe("unchecked");
	});

	it("keeps the last version known while the users service cannot be reached, and lets an unknown user through unchecked", async () => {
		let reachable = true;
		const versions = new TokenVersions(async () => (reachable ? 5 : undefined), 1);
		expect(await versions.check("u1", 4)).toBe("revoked");
		reachable = false;
		await new Promise(resolve => setTimeout(resolve, 5)); // past the entry's age
		expect(await versions.check("u1", 4)).toBe("revoked");
		expect(await versions.check("u2", 0)).toBe("unchecked");
	});

	it("asks again once an entry is older than the interval, so a change shows within it", async () => {
		let current = 1;
		const versions = new TokenVersions(async () => current, 1);
		expect(await versions.check("u1", 1)).toBe("current");
		current = 2;
		await new Promise(resolve => setTimeout(resolve, 5));
		// A stale entry is answered at once while the fresh one is fetched; the next check sees it.
		await versions.check("u1", 1);
		await new Promise(resolve => setImmediate(resolve));
		expect(await versions.check("u1", 1)).toBe("revoked");
	});
});
