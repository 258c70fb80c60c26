// Some actions change the node itself: moleculer-web's `api.addRoute`/`api.removeRoute` can
// publish any action over HTTP, and `$node.*` tells everything about the node (and is how a
// REPL drives it). They are meant for code on the node, never for another node of the network.
// In production this middleware refuses every request for them that arrives over the
// transporter, whoever the packet claims to come from (a sender id can be forged; a request
// packet from the network cannot be a local call), with a 403 to the caller and a warning here.
import { Errors, type Middleware } from "moleculer";

/** Action names, exact or with a trailing `.*` for a whole service. */
export const LOCAL_ONLY_ACTIONS = ["$node.*", "api.addRoute", "api.removeRoute"];

/**
 * …except these: `$node.metrics` gives numbers only (request rates, latencies, circuit states, no
 * params, no settings), and the ops service gathers it from every node for GET /api/ops/metrics.
 */
export const REMOTE_ALLOWED = ["$node.metrics"];

export function isLocalOnly(action: string, patterns: readonly string[] = LOCAL_ONLY_ACTIONS): boolean {
	if (REMOTE_ALLOWED.includes(action)) return false;
	return patterns.some(p => (p.endsWith(".*") ? action.startsWith(p.slice(0, -1)) : action === p));
}

interface RequestPacket {
	payload: { action?: string; sender: string; id: string; meta?: object };
}

interface Transit {
	logger: { warn(...args: unknown[]): void };
	sendResponse(nodeID: string, id: string, meta: object, headers: object | null, data: unknown, err: Error): Promise<unknown>;
}

export function RemoteGuardMiddleware(opts: { enabled: boolean; actions?: readonly string[] }): Middleware {
	return {
		name: "RemoteGuard",
		transitMessageHandler(this: Transit, next: (cmd: string, packet: RequestPacket) => Promise<boolean>) {
			if (!opts.enabled) return next;
			return (cmd: string, packet: RequestPacket) => {
				const action = packet?.payload?.action;
				if (cmd !== "REQ" || typeof action !== "string" || !isLocalOnly(action, opts.actions)) return next(cmd, packet);
				const { sender, id, meta } = packet.payload;
				this.logger.warn(`Refused '${action}' requested by node '${sender}': it may be called only on this node.`);
				const err = new Errors.MoleculerClientError(`'${action}' may not be called from another node`, 403, "REMOTE_CALL_REFUSED", { action });
				return this.sendResponse(sender, id, meta ?? {}, null, null, err).then(() => true);
			};
		},
	} as unknown as Middleware;
}
