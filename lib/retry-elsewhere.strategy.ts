// The balancer's choice of instance, with one rule added to round robin: a retried call goes to
// another instance than the one that just failed it. Moleculer's Retry middleware re-sends a
// call through the balancer with a copy of its context (same nodeID, `_retryAttempts` > 0), and
// plain round robin may pick the dead node again, before the cluster has noticed the death.
// Together with a short per-attempt `timeout` and `retryPolicy: { retries: 1 }` on idempotent
// reads, a replica's death costs a shopper one short wait, not an error.
import { Strategies, type Context } from "moleculer";

type Endpoint = Parameters<InstanceType<typeof Strategies.RoundRobin>["select"]>[0][number];

export class RetryElsewhereStrategy extends Strategies.RoundRobin {
	override select(list: Endpoint[], ctx?: Context): Endpoint {
		const retried = ctx as (Context & { _retryAttempts?: number }) | undefined;
		if (retried?._retryAttempts && retried.nodeID) {
			const others = list.filter(ep => ep.node.id !== retried.nodeID);
			if (others.length > 0) return super.select(others);
		}
		return super.select(list);
	}
}
