// Whether a verified token is still honoured: the users service raises a user's token version
// when they sign out or their role changes, and every gateway refuses tokens of an older version.
// Each gateway keeps the versions it has asked for a short while (`maxAgeMs`, at most a minute):
// that is how long a revoked token may still pass at a gateway that saw it just before, and all
// it costs a signed-in request the rest of the time is a map lookup. Concurrent requests of one
// user share one question; while the users service cannot be reached, the last version known
// stands, and a user never asked about is let through (signed-in pages keep working in an
// outage; the token's signature and expiry are still checked). A user the users service does not
// know has nothing revoked: their token still had to be signed with the secret (tests and tools
// mint such tokens; the shop deletes no accounts).
import { LRUCache } from "lru-cache";

/** Asks the users service; `undefined` when it could not be reached. */
export type VersionSource = (userId: string) => Promise<number | null | undefined>;

export type TokenVerdict = "current" | "revoked" | "unchecked";

const NO_USER = -1;

export class TokenVersions {
	private readonly versions: LRUCache<string, number>;

	constructor(source: VersionSource, maxAgeMs: number, maxUsers = 100_000) {
		this.versions = new LRUCache<string, number>({
			max: maxUsers,
			ttl: maxAgeMs,
			// Past its age an entry is asked for again; until the answer comes, and if none comes, it still counts.
			allowStale: true,
			noDeleteOnFetchRejection: true,
			allowStaleOnFetchRejection: true,
			fetchMethod: async userId => {
				const version = await source(userId);
				if (version === undefined) throw new Error("users service unreachable"); // keeps the stale entry
				return version ?? NO_USER;
			},
		});
	}

	async check(userId: string, tokenVersion: number): Promise<TokenVerdict> {
		const current = await this.versions.fetch(userId).catch(() => undefined);
		if (current === undefined || current === NO_USER) return "unchecked";
		return current === tokenVersion ? "current" : "revoked";
	}

	/** Forget what is known of a user (this gateway just signed them out). */
	forget(userId: string): void {
		this.versions.delete(userId);
	}
}
