// services/ops/ops.service.ts — what an operator sees and can do at runtime: per-service metrics
// gathered from every node (Moleculer's own registries), and fault rules that make services
// misbehave on purpose. Rules are stored before they are announced, so a restarted ops instance
// still knows them; every node applies them (middlewares/fault-injection.middleware.ts). It also
// samples the metrics on a timer and keeps the last 10 minutes (history.ts) for the ops page's chart.
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { gatherMetrics } from "../../lib/cluster-metrics";
import { implement } from "../../lib/contract";
import { broadcast } from "../../lib/emit";
import { invalidField } from "../../lib/errors";
import { lapsed } from "../../lib/faults";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { MetricsHistory } from "./history";
import { serviceRows } from "./metrics";
import { OpsContract, type FaultRule, type ServiceMetrics } from "./ops.contract";

interface OpsSettings extends ServiceSettingSchema {
	/** How long a node gets to answer with its metrics before the row is computed without it. */
	gatherTimeoutMs: number;
	/** How often the history takes a sample; 0 keeps none. */
	historyEveryMs: number;
	/** How far back the history goes. */
	historyWindowMs: number;
}

type RuleDoc = FaultRule & { _id: string };

interface OpsMethods extends ClockMethods {
	currentRows(): Promise<ServiceMetrics[]>;
	sampleHistory(): Promise<void>;
	rulesInForce(): Promise<FaultRule[]>;
	announce(rules: FaultRule[]): Promise<void>;
}

interface OpsVars {
	adapter: Store<RuleDoc>;
	history: MetricsHistory;
}

type OpsThis = Service<OpsSettings> & OpsVars & OpsMethods;

const OpsService: ServiceSchema<OpsSettings, OpsMethods, OpsVars> = {
	name: OpsContract.name,
	mixins: [DbMixin("faults"), Clock, PeriodicWork<OpsSettings>({ name: "history", every: s => s.historyEveryMs, run: "sampleHistory", runAtStart: true })],

	// 60 samples: one point every 10 s is as fine as a 10-minute chart a few hundred pixels wide can show.
	settings: { gatherTimeoutMs: 1_000, historyEveryMs: 10_000, historyWindowMs: 10 * 60_000 },

	actions: implement<OpsThis>()(OpsContract, {
		metrics: {
			auth: "admin",
			async handler(ctx) {
				const services = await this.currentRows();
				const now = this.now();
				return { at: new Date(now).toISOString(), services, ...(ctx.params.history ? { history: this.history.samples(now) } : {}) };
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
		async currentRows(this: OpsThis) {
			const services = new Map<string, Set<string>>();
			for (const s of this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string; nodeID: string }[]) {
				(services.get(s.name) ?? services.set(s.name, new Set()).get(s.name)!).add(s.nodeID);
			}
			return serviceRows(services, await gatherMetrics(this.broker, this.settings.gatherTimeoutMs));
		},

		async sampleHistory(this: OpsThis) {
			// With metrics off (most tests) every node would refuse: there is nothing to keep.
			if (!this.broker.isMetricsEnabled()) return;
			const rows = await this.currentRows();
			this.history.add(this.now(), rows);
		},

		async rulesInForce(this: OpsThis) {
			const now = this.now();
			const docs = await this.adapter.find({ sort: ["target"] });
			return docs.map(({ _id, ...rule }) => rule).filter(rule => !lapsed(rule, now));
		},

		announce(this: OpsThis, rules: FaultRule[]) {
			return broadcast(this.broker, "ops.faultsChanged", { rules });
		},
	},

	created(this: OpsThis) {
		this.history = new MetricsHistory(this.settings.historyWindowMs);
	},

	async started(this: OpsThis) {
		const rules = await this.rulesInForce();
		if (rules.length > 0) await this.announce(rules);
	},
};

export default OpsService;
