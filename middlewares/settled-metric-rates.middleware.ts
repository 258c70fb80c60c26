// Moleculer keeps a one-minute rate for each counter (requests and errors per second on the ops
// page) in a small object that a timer updates every 5 s. That first update changes the shape V8
// gave those objects (a field first holding an integer now holds a fraction; fields written once
// are written again). When it happens while the node is under load, the metric functions that
// every request runs (increment, set, observe) were already optimized for the old shape, and V8
// then tries to optimize them again and again and gives up each time ("maps became deprecated
// during optimization"): measured on a gateway under load, its compiler threads then take more
// CPU than the requests themselves, for as long as the load lasts (a cached product read went
// from ~10,000 to ~3,000 requests/s five seconds into a benchmark, and stayed there).
// Giving every rate object its final shape once, when the broker has started and before any
// traffic, avoids that: the objects made later are born in it.
import type { Middleware, ServiceBroker } from "moleculer";

interface Rate {
	rate: number;
	value: number | null;
	lastValue: number;
	lastTickTime: number;
	timer: NodeJS.Timeout;
	tick(): void;
}
interface Item {
	rate?: Rate;
}
interface Metric {
	values: Map<string, Item>;
}

const PROBE = "shop.metric-rate-shape";

/** Runs one update on `rate` with a fractional result, then puts its figures back as they were. */
function settle(rate: Rate): void {
	const { rate: perMinute, value, lastValue, lastTickTime } = rate;
	rate.value = 1;
	rate.lastValue = 0;
	rate.lastTickTime = Date.now() - 7_000;
	rate.tick();
	Object.assign(rate, { rate: perMinute, value, lastValue, lastTickTime });
}

/** The number of rate objects settled (for a test to see it ran). */
export function settleMetricRates(broker: ServiceBroker): number {
	if (!broker.isMetricsEnabled()) return 0;
	const metrics = broker.metrics as unknown as { store: Map<string, Metric>; register(opts: object): { increment(): Item } };
	// One of our own, so that there is always at least one to settle, removed at once.
	const probe = metrics.register({ name: PROBE, type: "counter", rate: true }).increment();
	let settled = 0;
	for (const metric of metrics.store.values()) {
		for (const item of metric.values.values()) {
			if (item.rate) {
				settle(item.rate);
				settled++;
			}
		}
	}
	if (probe.rate) clearInterval(probe.rate.timer);
	metrics.store.delete(PROBE);
	return settled;
}

export const SettledMetricRatesMiddleware = {
	name: "SettledMetricRates",
	started(broker: ServiceBroker) {
		settleMetricRates(broker);
	},
} as unknown as Middleware;
