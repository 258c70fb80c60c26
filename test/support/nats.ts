// Finds a NATS server for the cluster tests: NATS_URL, else the local default, else a
// `nats-server` binary started here. Never skips: without NATS the run fails and says why.
import type { ChildProcess } from "node:child_process";
import { canConnect, findOrStartServer, freePort } from "./servers";

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
