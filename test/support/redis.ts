// Finds a Redis server for the tests that need one (carts in Redis): REDIS_URL, else the local
// default, else a `redis-server` binary started here. Never skips: without Redis the run fails
// and says how to get one.
import crypto from "node:crypto";
import Redis from "ioredis";
import { findOrStartServer } from "./servers";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export interface TestRedis {
	url: string;
	/** Stops the server if this process started it. */
	stop(): Promise<void>;
}

/** Redis for one test file; call `stop()` in afterAll. */
export async function findOrStartRedis(): Promise<TestRedis> {
	const { url, server } = await findOrStartServer({
		what: "Redis",
		envVar: "REDIS_URL",
		defaultUrl: DEFAULT_REDIS_URL,
		scheme: "redis",
		command: port => ["redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"]],
		install: "Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis; or docker run -p 6379:6379 redis:7",
	});
	return {
		url,
		stop: () =>
			server
				? new Promise<void>(resolve => {
						server.once("exit", () => resolve());
						server.kill();
					})
				: Promise.resolve(),
	};
}

/** A Moleculer namespace no other test run uses, so keys never meet on a shared Redis. */
export function uniqueNamespace(name: string): string {
	return `${name}-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
}

/** The keys under `prefix` (to check that a test left none behind). */
export async function keysUnder(url: string, prefix: string): Promise<string[]> {
	const redis = new Redis(url, { lazyConnect: true });
	await redis.connect();
	try {
		return await redis.keys(`${prefix}*`);
	} finally {
		redis.disconnect();
	}
}
