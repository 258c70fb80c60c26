// Once per `npm test`: find NATS for the cluster tests and share its URL with every worker.
// Only the cluster tests need it, so a run without one does not fail here: the reason is kept
// and a cluster test that asks for NATS (`sharedNatsUrl()`) fails with it, saying how to get one.
import { findOrStartNats } from "./nats";

export default async function globalSetup(): Promise<void> {
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
