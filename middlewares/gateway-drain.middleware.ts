// A gateway that stops (SIGTERM in a deploy) keeps serving for `drainMs` before it closes its
// port. Its readiness answers 503 from the moment the stop begins (services/api: the broker is
// no longer `started`), so a load balancer probing it takes it out of rotation within a probe or
// two; had the port closed at once (~100 ms after SIGTERM), the requests the balancer still sent
// would be refused. Meanwhile every service of the node keeps running: the wait sits in the
// broker's `stopping` step, before any service is stopped, and after Moleculer's own tracker
// has let what was under way finish. A node without the gateway stops as before.
import type { Middleware, ServiceBroker } from "moleculer";

export function GatewayDrainMiddleware(opts: { drainMs: number; service?: string }): Middleware {
	return {
		name: "GatewayDrain",
		async stopping(broker: ServiceBroker) {
			if (opts.drainMs <= 0 || !broker.getLocalService(opts.service ?? "api")) return;
			broker.logger.info(`Stopping: serving for ${opts.drainMs} ms more while load balancers see readiness fail.`);
			await new Promise(resolve => setTimeout(resolve, opts.drainMs));
		},
	} as unknown as Middleware;
}
