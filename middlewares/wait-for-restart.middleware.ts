// Deploys without downtime: a node stopping on SIGTERM finishes what it has (tracking), tells the
// cluster it leaves, and is started again. Meanwhile its services are gone, and a call would fail
// at once ("not available"). A service that left *gracefully* a moment ago is coming back, so a call
// to it waits a bounded time for it to be registered again instead of failing. A node that died
// (no goodbye) is not waited for: that shopper gets the 503 at once, as before.
// Two doors lead here: broker calls (the `call` hook below), and the gateway, which resolves the
// endpoint before it calls (services/api asks `waitIfRestarting` first).
import { Errors, type Middleware, type ServiceBroker } from "moleculer";

export interface WaitForRestartOptions {
	/** How long a call waits for the service to be back; then the original error stands. */
	waitMs: number;
	/** How long after a graceful leave a missing service counts as restarting. */
	rememberMs: number;
}

type Call = (actionName: string, params?: unknown, opts?: unknown) => Promise<unknown>;
type NodeInfo = { id: string; services?: { name: string }[] };

interface RestartWatch {
	opts: WaitForRestartOptions;
	/** service name → when a node that offered it said goodbye */
	leftAt: Map<string, number>;
}

const watches = new WeakMap<ServiceBroker, RestartWatch>();

function serviceOf(actionName: string): string {
	return actionName.slice(0, actionName.lastIndexOf("."));
}

/** Whether `actionName`'s service left gracefully a moment ago and has no endpoint yet: a call to it should wait. */
export function isRestarting(broker: ServiceBroker, actionName: string): boolean {
	const watch = watches.get(broker);
	const at = watch?.leftAt.get(serviceOf(actionName));
	if (!watch || at === undefined || Date.now() - at >= watch.opts.rememberMs) return false;
	const endpoints = broker.registry.getActionEndpoints(actionName) as { hasAvailable(): boolean } | undefined;
	return !endpoints?.hasAvailable();
}

/** Resolves once `actionName` can be called, or at once when its service is not restarting (or after waitMs). */
export async function waitIfRestarting(broker: ServiceBroker, actionName: string): Promise<void> {
	if (!isRestarting(broker, actionName)) return;
	const watch = watches.get(broker)!;
	await broker.waitForServices(serviceOf(actionName), watch.opts.waitMs, 100).catch(() => undefined);
}

export function WaitForRestartMiddleware(opts: WaitForRestartOptions = { waitMs: 5_000, rememberMs: 30_000 }) {
	return function create(broker: ServiceBroker): Middleware {
		const watch: RestartWatch = { opts, leftAt: new Map() };
		watches.set(broker, watch);
		// A stopping node first announces itself with no services (Moleculer 0.15 blocks new requests
		// that way), then says goodbye: both are a graceful leave. A death is neither.
		const offered = new Map<string, Set<string>>();
		const namesOf = (node: NodeInfo) => new Set((node.services ?? []).map(s => s.name).filter(n => !n.startsWith("$")));
		const withdrawn = (names: Iterable<string>) => {
			for (const name of names) watch.leftAt.set(name, Date.now());
		};
		broker.localBus.on("$node.connected", ({ node }: { node: NodeInfo }) => offered.set(node.id, namesOf(node)));
		broker.localBus.on("$node.updated", ({ node }: { node: NodeInfo }) => {
			const now = namesOf(node);
			withdrawn([...(offered.get(node.id) ?? [])].filter(n => !now.has(n)));
			offered.set(node.id, now);
		});
		broker.localBus.on("$node.disconnected", ({ node, unexpected }: { node: NodeInfo; unexpected: boolean }) => {
			if (!unexpected) withdrawn(offered.get(node.id) ?? namesOf(node));
			offered.delete(node.id);
		});

		return {
			name: "WaitForRestart",
			call(next: Call): Call {
				// A plain promise chain, not an async function: this runs on every call the node makes.
				return function waitingCall(actionName, params, callOpts) {
					let sent: Promise<unknown>;
					try {
						sent = next(actionName, params, callOpts);
					} catch (err) {
						sent = Promise.reject(err);
					}
					return sent.catch(async (err: unknown) => {
						const missing = err instanceof Errors.ServiceNotFoundError || err instanceof Errors.ServiceNotAvailableError;
						if (!missing || typeof actionName !== "string") throw err;
						const before = watch.leftAt.get(serviceOf(actionName));
						if (before === undefined || Date.now() - before >= opts.rememberMs) throw err;
						await waitIfRestarting(broker, actionName);
						return next(actionName, params, callOpts);
					});
				};
			},
		} as unknown as Middleware;
	};
}
