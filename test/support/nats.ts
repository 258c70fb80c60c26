// Finds a NATS server for the cluster tests: NATS_URL, else the local default, else a
// `nats-server` binary started here. Never skips: without NATS the run fails and says why.
import type { ChildProcess } from "node:child_process";
import { canConnect, findOrStartServer, freePort, startServer } from "./servers";

export { canConnect, freePort };

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** Returns a NATS URL that answers, and the server process when this function had to start one. */
export function findOrStartNats(): Promise<{ url: string; server: ChildProcess | null }> {
	return findOrStartServer({
		what: "NATS",
		envVar: "NATS_URL",
		defaultUrl: DEFAULT_NATS_URL,
		scheme: "nats",
		command: port => ["nats-server", ["-a", "127.0.0.1", "-p", String(port)]],
		install: "Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server",
	});
}

/** The NATS URL the global setup found for this run; throws its reason when it found none. */
export function sharedNatsUrl(): string {
	const url = process.env.NATS_URL;
	if (url) return url;
	throw new Error(process.env.TEST_NATS_MISSING ?? "NATS_URL is not set: run the tests through jest (its global setup finds NATS)");
}

/**
 * A nats-server of a test's own, on a port of its own, that the test stops (SIGKILL, as a crash)
 * and starts again on the same port: for what happens to nodes and connections while NATS is gone.
 */
export class OwnNatsServer {
	private server: ChildProcess | null = null;

	private constructor(
		readonly port: number,
		/** More nats-server arguments (credentials, say). */
		private readonly args: string[],
		private readonly startTimeoutMs: number,
	) {}

	static async start(args: string[] = [], startTimeoutMs = 10_000): Promise<OwnNatsServer> {
		const own = new OwnNatsServer(await freePort(), args, startTimeoutMs);
		await own.start();
		return own;
	}

	get url(): string {
		return `nats://127.0.0.1:${this.port}`;
	}

	async start(): Promise<void> {
		this.server = await startServer("nats-server", ["-a", "127.0.0.1", "-p", String(this.port), ...this.args], this.url, this.startTimeoutMs).catch((err: Error) => {
			throw new Error(`nats-server did not start (${err.message}): install it (Debian/Ubuntu: apt-get install nats-server)`);
		});
	}

	stop(): Promise<void> {
		const child = this.server;
		this.server = null;
		if (!child || child.exitCode !== null) return Promise.resolve();
		return new Promise(resolve => {
			child.once("exit", () => resolve());
			child.kill("SIGKILL");
		});
	}
}
