// Applies the fault rules in force (lib/faults.ts) to every action this node runs, just before its
// handler: a failed call never reaches the handler, so "unavailable" payments charge nothing, and
// Moleculer's own metrics (which wrap this) count the injected errors and delays. A second, outermost
// wrapper turns the cache off for a call a rule matches (`ctx.meta.$cache = false`, which its nested
// calls inherit), so a cached answer cannot hide the fault: a service that is down answers nothing.
// Each node also gets a small internal service, `$faults`, that keeps its table in step with
// the ops service: it takes every `ops.faultsChanged` broadcast and asks ops once at start, and
// says which rules it holds (`$faults.rules`, for an operator or a test to see a rule has arrived).
// With no rule set (the default) a call costs one property read.
import type { Context, Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import { call } from "../lib/call";
import type { Events } from "../lib/events";
import { FaultTable } from "../lib/faults";

/** A function, so that Moleculer makes one per broker: every node has its own table (also several brokers in one test process). */
export function FaultInjectionMiddleware(): Middleware {
	const table = new FaultTable();
	return {
		name: "FaultInjection",

		created(broker: ServiceBroker) {
			// Added after Moleculer's internal middlewares, so it wraps them all (the cacher too).
			broker.middlewares.add({
				name: "FaultInjectionCacheBypass",
				localAction(next: Handler, action: ActionDef) {
					const service = faultable(action);
					if (!service) return next;
					return function bypassCacheWhenFaulted(ctx: Context) {
						if (!table.empty && table.matching(action.name, service).length > 0) (ctx.meta as Record<string, unknown>).$cache = false;
						return next(ctx);
					};
				},
			} as Middleware);
			broker.createService(faultsAgent(table));
		},

		localAction(next: Handler, action: ActionDef) {
			const service = faultable(action);
			if (!service) return next;
			return function faultInjected(ctx: Context) {
				if (table.empty) return next(ctx);
				return table.apply(action.name, service).then(() => next(ctx));
			};
		},
	} as Middleware;
}

type Handler = (ctx: Context) => Promise<unknown>;
type ActionDef = { name: string; service?: { name: string } };

/**
 * The gateway's actions that are the operator's way in: `api.rest` is moleculer-web's door for every
 * HTTP request (faulting it would fault every route, PUT/DELETE /api/ops/faults too), and `api.cluster`
 * is GET /api/ops/cluster. A rule on "api" fails the gateway's own routes (health, recommendations), not these.
 */
const OPERATOR_DOORS = new Set(["api.rest", "api.cluster"]);

/**
 * The service a fault may target, or null: Moleculer's own ($node), this mechanism's ($faults),
 * ops' actions and the operator's doors are never faulted, so an operator can always see the
 * cluster and take a fault back.
 */
function faultable(action: ActionDef): string | null {
	const service = action.service?.name ?? action.name.split(".")[0];
	return service.startsWith("$") || service === "ops" || OPERATOR_DOORS.has(action.name) ? null : service;
}

function faultsAgent(table: FaultTable): ServiceSchema {
	return {
		name: "$faults",
		actions: {
			/** The rules this node holds, lapsed ones included (each lapses by itself where it acts). */
			rules: {
				params: {},
				handler: () => ({ rules: table.rules }),
			},
		},
		events: {
			"ops.faultsChanged": {
				handler(ctx: Context<Events["ops.faultsChanged"]>) {
					table.replace(ctx.params.rules);
				},
			},
		},
		async started() {
			// A node that joins later gets the rules in force; ops also re-announces them when a node
			// connects, and when it starts itself (so a node started before ops asks nobody).
			if (!this.broker.registry.getActionEndpoints("ops.faults")) return;
			const current = await call(this.broker, "ops.faults", {}, { timeout: 1_000, retries: 0, ifDown: { fallback: null } });
			if (current) table.replace(current.rules);
		},
	};
}
