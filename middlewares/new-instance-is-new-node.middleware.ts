// A node that dies and comes back under the same id at once (a container restarted in place,
// `kill -9` and a supervisor) is a new instance: the requests the old instance had taken will
// never be answered. Moleculer rejects them when it notices a node is gone, but a node back
// before its death was noticed is only "updated", and its callers would wait out their whole
// timeout (30 s for a checkout). An INFO packet carrying a new instance id for a known node
// rejects what was pending on the old instance (RequestRejectedError, a 503 at the gateway), so
// no shopper waits on a node that is no more.
import type { Middleware } from "moleculer";

interface InfoPacket {
	payload: { sender: string; instanceID?: string };
}

interface Transit {
	broker: { registry: { nodes: { get(id: string): { instanceID?: string; local?: boolean } | undefined } } };
	logger: { warn(...args: unknown[]): void };
	removePendingRequestByNodeID(nodeID: string): void;
}

export const NewInstanceIsNewNodeMiddleware = {
	name: "NewInstanceIsNewNode",
	transitMessageHandler(this: Transit, next: (cmd: string, packet: InfoPacket) => unknown) {
		return (cmd: string, packet: InfoPacket) => {
			if (cmd === "INFO" && packet?.payload?.instanceID) {
				const { sender, instanceID } = packet.payload;
				const known = this.broker.registry.nodes.get(sender);
				if (known && !known.local && known.instanceID && known.instanceID !== instanceID) {
					this.logger.warn(`Node '${sender}' is back as a new instance: rejecting the requests its old instance had taken.`);
					this.removePendingRequestByNodeID(sender);
				}
			}
			return next(cmd, packet);
		};
	},
} as unknown as Middleware;
