// Once per `npm test`: find NATS for the cluster tests and share its URL with every worker.
import { findOrStartNats } from "./nats";

export default async function globalSetup(): Promise<void> {
	const { url, server } = await findOrStartNats();
	process.env.NATS_URL = url;
	if (server) {
		(globalThis as { __NATS_SERVER__?: unknown }).__NATS_SERVER__ = server;
		server.unref();
		process.once("exit", () => server.kill());
	}
}
