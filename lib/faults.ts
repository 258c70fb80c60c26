// Fault injection, the part every node runs: the rules in force on this node, which calls they
// match, and what they do to a call (delay it, fail it as the service being down). The rules come
// from the ops service (services/ops/), spread by the `ops.faultsChanged` broadcast; the broker
// middleware in middlewares/fault-injection.middleware.ts applies them where the target runs.
import type { FaultRule } from "../services/ops/ops.contract";
import { ServiceDownError } from "./errors";
import { sleep } from "./time";

export class FaultTable {
	private held: FaultRule[] = [];

	constructor(
		private readonly now: () => number = Date.now,
		private readonly random: () => number = Math.random,
	) {}

	replace(rules: FaultRule[]): void {
		this.held = rules.slice();
	}

	/** Every rule held, lapsed or not. */
	get rules(): readonly FaultRule[] {
		return this.held;
	}

	/** True when no rule is set: the middleware's fast path, one check per call. */
	get empty(): boolean {
		return this.held.length === 0;
	}

	/** The rules in force for a call of `action` on `service`; a rule past its `until` has lapsed. */
	matching(action: string, service: string): FaultRule[] {
		const now = this.now();
		return this.held.filter(r => (r.target === action || r.target === service) && !lapsed(r, now));
	}

	/** Delays the call by every matching rule's latency, then fails it when a rule says so. */
	async apply(action: string, service: string): Promise<void> {
		const rules = this.matching(action, service);
		if (rules.length === 0) return;
		const latency = Math.max(...rules.map(r => r.latencyMs));
		if (latency > 0) await sleep(latency);
		if (rules.some(r => r.unavailable || (r.errorRate > 0 && this.random() < r.errorRate))) {
			throw new ServiceDownError(service, `The ${service} service is not available right now (fault injected)`);
		}
	}
}

export function lapsed(rule: FaultRule, now: number): boolean {
	return rule.until !== null && Date.parse(rule.until) <= now;
}
