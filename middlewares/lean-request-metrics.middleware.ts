// Moleculer's own Metrics middleware (it registers every metric and counts events, packets and
// transporter traffic), with one difference in its action wrapper: the labels of an action's
// request metrics are made once per caller and context level, frozen, instead of five new objects
// on every call. The figures are the same, updated through the same registry calls; the lean
// metric types (lib/lean-metric-types.ts) find a frozen label set's key by the object itself.
// It takes Moleculer's "Metrics" place among its internal middlewares (useLeanRequestMetrics).
import * as moleculer from "moleculer";
import { METRIC, type Context, type Middleware, type ServiceBroker } from "moleculer";

// Moleculer's built-in middlewares (its typings do not export them), and Moleculer's own Metrics
// middleware as it was before ours took its name.
type Factory = (broker: ServiceBroker) => Record<string, unknown>;
const builtIn = (moleculer as unknown as { Middlewares: { Metrics: Factory; register(name: string, mw: unknown): void } }).Middlewares;
const moleculersMetrics = builtIn.Metrics;

type Handler = (ctx: Context) => Promise<unknown>;
type ActionDef = { name: string; service?: { fullName?: string } };
type Labels = Readonly<{ service: string | null; action: string; caller: string | null | undefined; type: string }>;

/**
 * Every broker made from now on in this process gets this middleware where Moleculer puts its own
 * Metrics among its internal middlewares: registered under Moleculer's name for it, the way
 * Moleculer lets a built-in be replaced (Middlewares.register). Brokers keep all of Moleculer's
 * internal middlewares, in Moleculer's order, whatever middlewares they are given.
 */
export function useLeanRequestMetrics(): void {
	builtIn.register("Metrics", LeanRequestMetricsMiddleware);
}

export function LeanRequestMetricsMiddleware(broker: ServiceBroker): Middleware {
	const moleculers = moleculersMetrics.call(broker, broker);
	const metrics = broker.metrics;

	function wrap(type: "local" | "remote", action: ActionDef, next: Handler): Handler {
		const service = action.service?.fullName ?? null;
		const byCaller = new Map<string | null | undefined, { labels: Labels; levels: Map<number, Readonly<Record<string, unknown>>> }>();
		const labelsOf = (caller: string | null | undefined, level: number) => {
			let known = byCaller.get(caller);
			if (!known) {
				known = { labels: Object.freeze({ service, action: action.name, caller, type }), levels: new Map() };
				byCaller.set(caller, known);
			}
			let levelLabels = known.levels.get(level);
			if (!levelLabels) {
				levelLabels = Object.freeze({ service, action: action.name, caller, level });
				known.levels.set(level, levelLabels);
			}
			return { labels: known.labels, levelLabels };
		};

		return function metricsMiddleware(ctx: Context) {
			// As Moleculer's: the caller as the context has it (null or undefined alike).
			const { labels, levelLabels } = labelsOf(ctx.caller as string | null | undefined, ctx.level);
			metrics.increment(METRIC.MOLECULER_REQUEST_TOTAL, labels);
			metrics.increment(METRIC.MOLECULER_REQUEST_ACTIVE, labels);
			metrics.increment(METRIC.MOLECULER_REQUEST_LEVELS, levelLabels);
			const timeEnd = metrics.timer(METRIC.MOLECULER_REQUEST_TIME, labels);
			return next(ctx).then(
				res => {
					timeEnd();
					metrics.decrement(METRIC.MOLECULER_REQUEST_ACTIVE, labels);
					return res;
				},
				(err: { name?: string; code?: unknown; type?: unknown } | null) => {
					timeEnd();
					metrics.decrement(METRIC.MOLECULER_REQUEST_ACTIVE, labels);
					metrics.increment(METRIC.MOLECULER_REQUEST_ERROR_TOTAL, {
						...labels,
						errorName: err ? err.name : null,
						errorCode: err ? err.code : null,
						errorType: err ? err.type : null,
					});
					throw err;
				},
			);
		};
	}

	return {
		...moleculers,
		localAction(next: Handler, action: ActionDef) {
			return broker.isMetricsEnabled() ? wrap("local", action, next) : next;
		},
		remoteAction(next: Handler, action: ActionDef) {
			return broker.isMetricsEnabled() ? wrap("remote", action, next) : next;
		},
	} as unknown as Middleware;
}
