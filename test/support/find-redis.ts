// Finds a Redis for the tests that need a real one: REDIS_URL, else redis://127.0.0.1:6379,
// else a `redis-server` binary started here (stopped when the test process exits). Never
// skips: without Redis the test fails and says how to get one.
import { spawn, type ChildProcess } from "node:child_process";
import { canConnect, freePort } from "./nats";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

let started: ChildProcess | null = null;

export async function findOrStartRedis(): Promise<string> {
	if (process.env.REDIS_URL) {
		if (await canConnect(process.env.REDIS_URL)) return process.env.REDIS_URL;
		throw new Error(`REDIS_URL=${process.env.REDIS_URL} does not answer. Start that server or unset REDIS_URL.`);
	}
	if (await canConnect(DEFAULT_REDIS_URL)) return DEFAULT_REDIS_URL;

	const port = await freePort();
	const url = `redis://127.0.0.1:${port}`;
	const server = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
	started = server;
	process.once("exit", () => server.kill());
	const ok = await new Promise<boolean>(resolve => {
		server.once("error", () => resolve(false));
		const deadline = Date.now() + 5_000;
		const poll = async () => {
			if (await canConnect(url, 200)) return resolve(true);
			if (Date.now() > deadline || server.exitCode !== null) return resolve(false);
			setTimeout(poll, 50);
		};
		void poll();
	});
	if (!ok) {
		server.kill();
		throw new Error(
			`These tests need Redis and none was found: not at REDIS_URL, not at ${DEFAULT_REDIS_URL}, and no 'redis-server' ` +
				"binary on PATH. Install one (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.",
		);
	}
	return url;
}

/** Stops the redis-server this process started, if any. */
export function stopStartedRedis(): void {
	started?.kill();
	started = null;
}
