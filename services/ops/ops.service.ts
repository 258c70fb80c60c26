// services/ops/ops.service.ts — what an operator sees and can do at runtime: per-service metrics
// gathered from every node (Moleculer's own registries), and fault rules that make services
// misbehave on purpose. Rules are stored before they are announced, so a restarted ops instance
// still knows them; every node applies them (middlewares/fault-injection.middleware.ts).
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { gatherMetrics } from "../../lib/cluster-metrics";
import { implement } from "../../lib/contract";
import { broadcast } from "../../lib/emit";
import { invalidField } from "../../lib/errors";
import { lapsed } from "../../lib/faults";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import { serviceRows } from "./metrics";
import { OpsContract, type FaultRule } from "./ops.contract";

interface OpsSettings extends ServiceSettingSchema {
	/** How long a node gets to answer with its metrics before the row is computed without it. */
	gatherTimeoutMs: number;
}

type RuleDoc = FaultRule & { _id: string };

interface OpsMethods extends ClockMethods {
	rulesInForce(): Promise<FaultRule[]>;
	announce(rules: FaultRule[]): Promise<void>;
}

interface OpsVars {
	adapter: Store<RuleDoc>;
}

type OpsThis = Service<OpsSettings> & OpsVars & OpsMethods;

const OpsService: ServiceSchema<OpsSettings, OpsMethods, OpsVars> = {
	name: OpsContract.name,
	mixins: [DbMixin("faults"), Clock],

	settings: { gatherTimeoutMs: 1_000 },

	actions: implement<OpsThis>()(OpsContract, {
		metrics: {
			auth: "admin",
			async handler() {
				const services = new Map<string, Set<string>>();
				for (const s of this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string; nodeID: string }[]) {
					(services.get(s.name) ?? services.set(s.name, new Set()).get(s.name)!).add(s.nodeID);
				}
				const nodes = await gatherMetrics(this.broker, this.settings.gatherTimeoutMs);
				return { at: new Date(this.now()).toISOString(), services: serviceRows(services, nodes) };
			},
		},

		faults: {
			auth: "admin",
			async handler() {
				return { rules: await this.rulesInForce() };
			},
		},

		setFaults: {
			auth: "admin",
			async handler(ctx) {
				const rules: FaultRule[] = ctx.params.rules.map((r, i) => {
					const until = r.until ?? null;
					if (until !== null && Number.isNaN(Date.parse(until))) throw invalidField(`rules[${i}].until`, "until must be an ISO date and time, e.g. 2030-01-01T12:00:00Z");
					return { id: r.id ?? crypto.randomUUID(), target: r.target, latencyMs: r.latencyMs ?? 0, errorRate: r.errorRate ?? 0, unavailable: r.unavailable ?? false, until: until && new Date(until).toISOString() };
				});
				if (new Set(rules.map(r => r.id)).size !== rules.length) throw invalidField("rules", "Each rule needs an id of its own");
				await this.adapter.clear();
				if (rules.length > 0) await this.adapter.insertMany(rules.map(r => ({ _id: r.id, ...r })));
				await this.announce(rules);
				return { rules };
			},
		},

		clearFaults: {
			auth: "admin",
			async handler() {
				await this.adapter.clear();
				await this.announce([]);
				return { rules: [] };
			},
		},
	}),

	events: {
		/** A node that joins gets the rules in force at once (its own `$faults` also asks at start). */
		async "$node.connected"(this: OpsThis) {
			const rules = await this.rulesInForce();
			if (rules.length > 0) await this.announce(rules);
		},
	},

	methods: {
		async rulesInForce(this: OpsThis) {
			const now = this.now();
			const docs = await this.adapter.find({ sort: ["target"] });
			return docs.map(({ _id, ...rule }) => rule).filter(rule => !lapsed(rule, now));
		},

		announce(this: OpsThis, rules: FaultRule[]) {
			return broadcast(this.broker, "ops.faultsChanged", { rules });
		},
	},

	async started(this: OpsThis) {
		const rules = await this.rulesInForce();
		if (rules.length > 0) await this.announce(rules);
	},
};

export default OpsService;
