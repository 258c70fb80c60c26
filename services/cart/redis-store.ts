// Carts in Redis (CART_STORE=redis://host:6379/<db>): one hash per cart under
// `<namespace>:cart:<key>`, each field a JSON value. Every change is one Lua script, so the
// version check and the write happen as one step on the server; a guest cart carries a TTL, so
// Redis forgets it when its time is up and no sweep is needed.
import Redis, { ReplyError } from "ioredis";
import { ServiceDownError } from "../../lib/errors";
import { definedFields, type CartDoc, type CartFields, type CartStore } from "./store";

/** Writes the fields (ARGV[3..], name/value pairs) only if the cart is still at version ARGV[1] ("0": none stored). */
const WRITE = `
if (redis.call("HGET", KEYS[1], "version") or "0") ~= ARGV[1] then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV, 3))
if tonumber(ARGV[2]) > 0 then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 1`;

/** Moves a stored cart's expiry; a cart that is gone stays gone. */
const TOUCH = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], "expiresAt", ARGV[1])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1`;

/** Removes the claim field only if it is still the claim ARGV[1]. */
const DROP_CLAIM = `
local claim = redis.call("HGET", KEYS[1], "claim")
if claim and cjson.decode(claim).id == ARGV[1] then return redis.call("HDEL", KEYS[1], "claim") end
return 0`;

interface CartCommands {
	cartWrite(key: string, version: string, ttlMs: string, ...fields: string[]): Promise<number>;
	cartTouch(key: string, expiresAt: string, ttlMs: string): Promise<number>;
	cartDropClaim(key: string, claimId: string): Promise<number>;
}

/** The key prefix of a Moleculer namespace's carts: two shops (or two test runs) on one Redis never meet. */
export function cartKeyPrefix(namespace: string): string {
	return `${namespace}:cart:`;
}

export class RedisCartStore implements CartStore {
	private constructor(
		private readonly redis: Redis & CartCommands,
		private readonly prefix: string,
		private readonly now: () => number,
	) {}

	/** Connects to `url`; fails (and so stops the service's start) when Redis does not answer. */
	static async open(url: string, prefix: string, now: () => number): Promise<RedisCartStore> {
		// No offline queue: while Redis is unreachable a request fails at once with a 503 instead
		// of waiting out its timeout; the client reconnects by itself meanwhile.
		let connected = false;
		const redis = new Redis(url, {
			keyPrefix: prefix,
			lazyConnect: true,
			enableOfflineQueue: false,
			maxRetriesPerRequest: 1,
			// Reconnects for ever once it has been connected; a first connection that fails is not retried, it fails the start.
			retryStrategy: times => (connected ? Math.min(times * 100, 2_000) : null),
		});
		redis.defineCommand("cartWrite", { numberOfKeys: 1, lua: WRITE });
		redis.defineCommand("cartTouch", { numberOfKeys: 1, lua: TOUCH });
		redis.defineCommand("cartDropClaim", { numberOfKeys: 1, lua: DROP_CLAIM });
		redis.on("error", () => undefined); // each failed command says so itself; without a listener ioredis logs every retry
		try {
			await redis.connect();
			connected = true;
		} catch (err) {
			throw new Error(`The cart store ${url.replace(/\/\/[^@/]*@/, "//***@")} does not answer: ${(err as Error).message}`);
		}
		return new RedisCartStore(redis as Redis & CartCommands, prefix, now);
	}

	read(key: string): Promise<CartDoc | null> {
		return this.guard(async () => {
			const hash = await this.redis.hgetall(key);
			if (!hash.version) return null;
			return { ...Object.fromEntries(Object.entries(hash).map(([field, value]) => [field, JSON.parse(value)])), _id: key } as CartDoc;
		});
	}

	write(key: string, version: number, fields: CartFields): Promise<boolean> {
		const pairs = Object.entries({ ...definedFields(fields), version: version + 1 }).flatMap(([field, value]) => [field, JSON.stringify(value)]);
		return this.guard(async () => (await this.redis.cartWrite(key, String(version), String(this.ttlOf(fields.expiresAt)), ...pairs)) === 1);
	}

	touch(key: string, expiresAt: number): Promise<void> {
		return this.guard(async () => void (await this.redis.cartTouch(key, JSON.stringify(expiresAt), String(this.ttlOf(expiresAt)))));
	}

	dropClaim(key: string, claimId: string): Promise<void> {
		return this.guard(async () => void (await this.redis.cartDropClaim(key, claimId)));
	}

	/** Nothing to do: Redis removes a guest cart when its TTL runs out. */
	async removeExpired(): Promise<number> {
		return 0;
	}

	count(): Promise<number> {
		return this.guard(async () => (await this.keys()).length);
	}

	clear(): Promise<void> {
		return this.guard(async () => {
			const keys = await this.keys();
			if (keys.length) await this.redis.unlink(...keys);
		});
	}

	async close(): Promise<void> {
		if (this.redis.status === "end") return;
		await this.redis.quit().catch(() => this.redis.disconnect());
	}

	/** Milliseconds until `expiresAt` on the service's clock (Redis counts them on its own); 0: no expiry. */
	private ttlOf(expiresAt: number | undefined): number {
		return expiresAt === undefined ? 0 : Math.max(1, expiresAt - this.now());
	}

	/** The keys of this namespace's carts, without the prefix (which every command adds). */
	private async keys(): Promise<string[]> {
		const keys: string[] = [];
		const stream = this.redis.scanStream({ match: `${this.prefix}*`, count: 500 });
		for await (const batch of stream) keys.push(...(batch as string[]).map(k => k.slice(this.prefix.length)));
		return keys;
	}

	/**
	 * A Redis that cannot be reached, or says it cannot serve now (full under `noeviction`,
	 * loading, a read-only replica during a failover), is a 503 naming the cart's store. Any
	 * other error Redis answers with is a bug of ours, and stays one (500).
	 */
	private async guard<T>(op: () => Promise<T>): Promise<T> {
		try {
			return await op();
		} catch (err) {
			const unavailable = /^(OOM|LOADING|READONLY|BUSY|MASTERDOWN|TRYAGAIN)\b/.test((err as Error).message);
			if ((err instanceof ReplyError && !unavailable) || err instanceof SyntaxError) throw err;
			throw new ServiceDownError("cart store", "The cart store (Redis) is not available right now");
		}
	}
}
