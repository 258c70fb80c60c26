// Finds a Redis server for the tests that need one (carts in Redis): REDIS_URL, else the local
// default, else a `redis-server` binary started here. Never skips: without Redis the run fails
// and says how to get one.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import Redis from "ioredis";
import { canConnect, freePort } from "./nats";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export interface TestRedis {
	url: string;
	/** Stops the server if this process started it. */
	stop(): Promise<void>;
}

/** Redis for one test file; call `stop()` in afterAll. */
export async function findOrStartRedis(): Promise<TestRedis> {
	const shared = (url: string): TestRedis => ({ url, stop: async () => undefined });
	if (process.env.REDIS_URL) {
		if (await canConnect(process.env.REDIS_URL)) return shared(process.env.REDIS_URL);
		throw new Error(`REDIS_URL=${process.env.REDIS_URL} does not answer. Start that server or unset REDIS_URL.`);
	}
	if (await canConnect(DEFAULT_REDIS_URL)) return shared(DEFAULT_REDIS_URL);

	const port = await freePort();
	const server: ChildProcess = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
	const url = `redis://127.0.0.1:${port}`;
	const started = await new Promise<boolean>(resolve => {
		server.once("error", () => resolve(false));
		const deadline = Date.now() + 5_000;
		const poll = async () => {
			if (await canConnect(url, 200)) return resolve(true);
			if (Date.now() > deadline || server.exitCode !== null) return resolve(false);
			setTimeout(poll, 100);
		};
		void poll();
	});
	if (!started) {
		server.kill();
		throw new Error(
			"These tests need a Redis server and none was found: not at REDIS_URL, not at " +
				`${DEFAULT_REDIS_URL}, and no 'redis-server' binary on PATH. Install one ` +
				"(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis; or docker run -p 6379:6379 redis:7) or set REDIS_URL.",
		);
	}
	return {
		url,
		stop: () =>
			new Promise<void>(resolve => {
				server.once("exit", () => resolve());
				server.kill();
			}),
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
