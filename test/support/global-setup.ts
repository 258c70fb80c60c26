// Once per jest run: find NATS for the cluster tests and share its URL with every worker.
// Only the cluster tests need it: a run that selects none of them (`npm run test:unit`) does not
// look, and a run without NATS does not fail here: the reason is kept, and a cluster test that
// asks for NATS (`sharedNatsUrl()`) fails with it, saying how to get one.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "jest";
import { findOrStartNats } from "./nats";

const CLUSTER_TESTS = path.join(__dirname, "..", "cluster");

/** Whether the run's path pattern (jest's positional argument) selects any cluster test. */
function selectsClusterTests(pattern: string | undefined): boolean {
	if (!pattern) return true;
	const selects = new RegExp(pattern, "i");
	return fs.readdirSync(CLUSTER_TESTS).some(file => selects.test(path.join(CLUSTER_TESTS, file)));
}

export default async function globalSetup(globalConfig: Config & { testPathPattern?: string }): Promise<void> {
	if (!selectsClusterTests(globalConfig.testPathPattern)) return;
	try {
		const { url, server } = await findOrStartNats();
		process.env.NATS_URL = url;
		if (server) {
			(globalThis as { __NATS_SERVER__?: unknown }).__NATS_SERVER__ = server;
			server.unref();
			process.once("exit", () => server.kill());
		}
	} catch (error) {
		delete process.env.NATS_URL; // a configured one that does not answer
		process.env.TEST_NATS_MISSING = (error as Error).message;
	}
}
