// A node that restarts under its old id before the cluster noticed it die announces itself with
// a fresh INFO packet, but Moleculer 0.15 keeps the old instance's last heartbeat time for it
// (only a *reconnected* node gets a fresh one). The next heartbeat check then takes the new
// instance for dead and drops its services for a moment: a burst of 503s right after a restart.
// An INFO packet is proof of life, so it counts as a heartbeat here.
import type { Middleware, ServiceBroker } from "moleculer";

interface RemoteNode {
	local?: boolean;
	lastHeartbeatTime?: number;
}

export const InfoIsHeartbeatMiddleware = {
	name: "InfoIsHeartbeat",
	created(broker: ServiceBroker) {
		broker.localBus.on("$node.updated", ({ node }: { node?: RemoteNode }) => {
			if (node && !node.local) node.lastHeartbeatTime = Math.round(process.uptime());
		});
	},
} as unknown as Middleware;
