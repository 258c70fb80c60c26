// Starts this node's metrics and health server (lib/node-http.ts) when the broker starts, before
// its services do, so an orchestrator sees "live, not ready" while they start; closes it last.
import type http from "node:http";
import type { Middleware, ServiceBroker } from "moleculer";
import { noteStarted } from "../lib/node-health";
import { createNodeHttpServer, listenFrom } from "../lib/node-http";

export interface NodeHttpOptions {
	/** The port to try first; 0 turns the server off. */
	port: number;
	/** 0.0.0.0 by default: in a container the probes come from outside. */
	host?: string;
}

/** The port a broker's server took (null: none), for logs and tests. */
export function nodeHttpPort(broker: ServiceBroker): number | null {
	return servers.get(broker)?.port ?? null;
}

// One server per broker: tests start several brokers from one set of options.
const servers = new WeakMap<ServiceBroker, { server: http.Server; port: number | null }>();

export function NodeHttpMiddleware(opts: NodeHttpOptions): Middleware {
	return {
		name: "NodeHttp",
		async starting(broker: ServiceBroker) {
			if (opts.port <= 0) return;
			const server = createNodeHttpServer(broker);
			const port = await listenFrom(server, opts.port, opts.host ?? "0.0.0.0", broker.getLogger("node-http"));
			servers.set(broker, { server, port });
		},
		started(broker: ServiceBroker) {
			noteStarted(broker);
		},
		async stopped(broker: ServiceBroker) {
			const entry = servers.get(broker);
			servers.delete(broker);
			if (entry?.port != null) {
				entry.server.closeAllConnections();
				await new Promise<void>(resolve => entry.server.close(() => resolve()));
			}
		},
	} as unknown as Middleware;
}
