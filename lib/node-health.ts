// Is this node fit to take work? Asked by orchestrators through GET /health/ready (lib/node-http.ts).
// Ready means: the broker has started every local service (and is not stopping), the transporter
// is connected, and every local service that can tell (a `healthy()` method, e.g. one that pings
// its store) says it is well. Live means only that the process answers: a node that is not ready
// should be kept out of traffic, not restarted.
import type { ServiceBroker } from "moleculer";

/** A service may define `healthy()`: resolve true when it can serve, false or throw when it cannot. */
export interface HealthCheckable {
	healthy?(): boolean | Promise<boolean>;
}

export interface Readiness {
	ready: boolean;
	/** What was checked, and what failed: "ok", or why not. */
	checks: Record<string, string>;
}

/** A service whose check takes longer than this counts as unwell: a probe must answer quickly. */
const CHECK_TIMEOUT_MS = 2_000;

async function askService(service: HealthCheckable): Promise<string> {
	if (typeof service.healthy !== "function") return "ok";
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<string>(resolve => {
		timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
	});
	const answer = Promise.resolve()
		.then(() => service.healthy!())
		.then(
			ok => (ok ? "ok" : "unhealthy"),
			(err: Error) => `unhealthy: ${err?.message ?? String(err)}`,
		);
	try {
		return await Promise.race([answer, late]);
	} finally {
		clearTimeout(timer);
	}
}

// Moleculer clears `started` as soon as stop() begins, but sets `stopping` only after its stop
// delay: a broker that has been started and is no longer is stopping.
const hasStarted = new WeakSet<ServiceBroker>();

/** Called when the broker has started (middlewares/node-http.middleware.ts). */
export function noteStarted(broker: ServiceBroker): void {
	hasStarted.add(broker);
}

export async function readiness(broker: ServiceBroker): Promise<Readiness> {
	const checks: Record<string, string> = {};
	const started = (broker as ServiceBroker & { started: boolean }).started;
	checks.broker = started ? "ok" : hasStarted.has(broker) ? "stopping" : "starting";
	if (broker.transit) checks.transporter = broker.transit.connected ? "ok" : "disconnected";
	if (checks.broker === "ok") {
		const results = await Promise.all(broker.services.map(svc => askService(svc as unknown as HealthCheckable)));
		broker.services.forEach((svc, i) => (checks[`service:${svc.fullName}`] = results[i]));
	}
	return { ready: Object.values(checks).every(v => v === "ok"), checks };
}
