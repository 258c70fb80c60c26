// What other services and the gateway may know of ops: live service metrics gathered across the
// cluster, and the fault-injection rules that make a service misbehave on purpose at runtime.
import { action, as, contract, type ActionsOf } from "../../lib/contract";

/** One fault rule: where it acts and how. See docs/api-contract.md, "ops". */
export interface FaultRule {
	id: string;
	/** A service name ("payments") or an action ("payments.charge"). */
	target: string;
	/** Delay added to each matching call, 0–30000 ms. */
	latencyMs: number;
	/** Share of matching calls (0–1) that fail as the service being down (503). */
	errorRate: number;
	/** Every matching call fails as the service being down. */
	unavailable: boolean;
	/** ISO time after which the rule lapses; null never. */
	until: string | null;
}

export type BreakerState = "closed" | "half-open" | "open";

export interface ServiceMetrics {
	name: string;
	nodes: number;
	requestsPerSecond: number;
	errorsPerSecond: number;
	/** The slowest 95th percentile among the service's actions and nodes over the last minute. */
	p95Ms: number;
	/** The worst state of any circuit breaker, on any node, towards this service. */
	breaker: BreakerState;
}

export interface OpsMetrics {
	at: string;
	services: ServiceMetrics[];
	/** With `?history=true` only: the samples of the last 10 minutes, oldest first (an extra field of this shop). */
	history?: MetricsSample[];
}

/** One moment of the history: each service's rates and p95 then. */
export interface MetricsSample {
	at: string;
	services: Pick<ServiceMetrics, "name" | "requestsPerSecond" | "errorsPerSecond" | "p95Ms">[];
}

const RULE = {
	type: "object",
	strict: true,
	props: {
		id: { type: "string", optional: true, min: 1, max: 64, pattern: /^[\w-]+$/ },
		// Bounded before the pattern runs (the validator checks max first and stops).
		target: { type: "string", min: 1, max: 100, pattern: /^[a-z][\w-]*(\.[\w-]+)?$/i },
		latencyMs: { type: "number", integer: true, min: 0, max: 30_000, optional: true },
		errorRate: { type: "number", min: 0, max: 1, optional: true },
		unavailable: { type: "boolean", optional: true },
		until: { type: "string", max: 40, optional: true, nullable: true },
	},
} as const;

export const OpsContract = contract(
	"ops",
	{
		/** GET /api/ops/metrics; `?history=true` adds the last 10 minutes' samples. */
		metrics: action({ params: { $$strict: true, history: { type: "boolean", optional: true, convert: true } }, result: as<OpsMetrics>() }),
		/** GET /api/ops/faults: the rules in force across the cluster. */
		faults: action({ params: { $$strict: true }, result: as<{ rules: FaultRule[] }>() }),
		/** PUT /api/ops/faults: replaces every rule, cluster-wide. */
		setFaults: action({ params: { $$strict: true, rules: { type: "array", max: 50, items: RULE } }, result: as<{ rules: FaultRule[] }>() }),
		/** DELETE /api/ops/faults */
		clearFaults: action({ params: { $$strict: true }, result: as<{ rules: FaultRule[] }>() }),
	},
);

export type OpsActions = ActionsOf<typeof OpsContract>;

/** The events ops announces. */
export interface OpsEvents {
	/** The fault rules in force changed: every node applies these from now on (broadcast). */
	"ops.faultsChanged": { rules: FaultRule[] };
}
