// One row per service from the metrics every node gathered (lib/cluster-metrics.ts):
// - requests and errors per second: the sum over the service's actions on every node of
//   Moleculer's one-minute rates (requests per minute) ÷ 60;
// - p95: the slowest 95th percentile among its actions and nodes over the last minute
//   (percentiles of different nodes cannot be merged exactly; the worst is what an operator needs);
// - breaker: the worst state, on any calling node, of a circuit towards the service.
import type { NodeMetrics } from "../../lib/cluster-metrics";
import type { BreakerState, ServiceMetrics } from "./ops.contract";

const BREAKER_RANK: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

export function serviceRows(services: Map<string, Set<string>>, nodes: NodeMetrics[]): ServiceMetrics[] {
	const rows = new Map<string, ServiceMetrics>();
	for (const [name, nodeIDs] of services) rows.set(name, { name, nodes: nodeIDs.size, requestsPerSecond: 0, errorsPerSecond: 0, p95Ms: 0, breaker: "closed" });

	for (const { metrics } of nodes) {
		for (const metric of metrics) {
			for (const v of metric.values) {
				const row = rows.get(String(v.labels.service ?? ""));
				// A call between nodes is counted twice: "remote" where it was made, "local" where it ran.
				// Rates and latencies are the service's own (local); circuits are the callers'.
				if (!row || v.labels.type === "remote") continue;
				if (metric.name === "moleculer.request.total") row.requestsPerSecond += (v.rate ?? 0) / 60;
				else if (metric.name === "moleculer.request.error.total") row.errorsPerSecond += (v.rate ?? 0) / 60;
				else if (metric.name === "moleculer.request.time") row.p95Ms = Math.max(row.p95Ms, v.quantiles?.["0.95"] ?? 0);
				else if (metric.name === "moleculer.circuit-breaker.opened.active" && v.value === 1) row.breaker = worse(row.breaker, "open");
				else if (metric.name === "moleculer.circuit-breaker.half-opened.active" && v.value === 1) row.breaker = worse(row.breaker, "half-open");
			}
		}
	}
	return [...rows.values()]
		.map(r => ({ ...r, requestsPerSecond: round(r.requestsPerSecond), errorsPerSecond: round(r.errorsPerSecond), p95Ms: round(r.p95Ms) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

function worse(a: BreakerState, b: BreakerState): BreakerState {
	return BREAKER_RANK[b] > BREAKER_RANK[a] ? b : a;
}

function round(n: number): number {
	return Math.round(n * 100) / 100;
}
