// Moleculer's own metrics, gathered from every node of the cluster: each node answers its
// `$node.metrics` action with its registry's snapshot. Ops turns them into one row per service
// (services/ops/metrics.ts); nothing here keeps a second bookkeeping of its own.
import type { ServiceBroker } from "moleculer";

/** One labelled value of a metric, as `$node.metrics` gives it (counters, gauges, histograms). */
export interface MetricValue {
	labels: Record<string, string | number | null>;
	value?: number;
	/** Per minute over the last minute (an exponentially weighted rate, updated every 5 s). */
	rate?: number;
	count?: number;
	quantiles?: Record<string, number | undefined>;
}

export interface MetricSnapshot {
	name: string;
	type: string;
	values: MetricValue[];
}

export interface NodeMetrics {
	nodeID: string;
	metrics: MetricSnapshot[];
}

/** The request and circuit-breaker metrics ops reads; the rest of a registry stays on its node. */
export const GATHERED = ["moleculer.request.**", "moleculer.circuit-breaker.**"];

/** Asks every available node at once; a node that does not answer within `timeoutMs` is left out. */
export async function gatherMetrics(broker: ServiceBroker, timeoutMs: number): Promise<NodeMetrics[]> {
	const nodes = (broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as { id: string }[]).map(n => n.id);
	const answers = await Promise.all(
		nodes.map(nodeID =>
			broker
				.call("$node.metrics", { includes: GATHERED }, { nodeID, timeout: timeoutMs, retries: 0 })
				.then(metrics => ({ nodeID, metrics: metrics as MetricSnapshot[] }))
				.catch(() => null),
		),
	);
	return answers.filter((a): a is NodeMetrics => a !== null);
}
