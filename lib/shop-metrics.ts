// The shop's own figures, next to Moleculer's in the same registry, so every node's Prometheus
// endpoint shows them too: what an operator of a shop asks first (orders, revenue, stock held
// back, messages) rather than what a broker counts.
import type { ServiceBroker } from "moleculer";

const SHOP_METRICS = {
	"shop.orders.confirmed.total": { type: "counter", labelNames: [], description: "Orders confirmed" },
	"shop.orders.failed.total": { type: "counter", labelNames: ["reason"], description: "Checkouts that failed, by reason (declined, out_of_stock, unavailable…)" },
	"shop.revenue.total": { type: "counter", labelNames: ["currency"], unit: "cents", description: "Revenue of confirmed orders, in minor units" },
	"shop.reservations.expired.total": { type: "counter", labelNames: [], description: "Stock reservations given back because their checkout never finished" },
	"shop.notifications.sent.total": { type: "counter", labelNames: ["type"], description: "Messages delivered to shoppers" },
	"shop.notifications.retried.total": { type: "counter", labelNames: ["type"], description: "Message deliveries that failed and will be tried again" },
} as const;

export type ShopMetric = keyof typeof SHOP_METRICS;

/** What counting needs of a broker; a test's stand-in without a registry counts nothing. */
type Counter = Partial<Pick<ServiceBroker, "metrics" | "isMetricsEnabled">>;

/** Adds `value` to a shop metric (registering it on first use); does nothing when metrics are off. */
export function countShop(broker: Counter, name: ShopMetric, labels: Record<string, string> = {}, value = 1): void {
	const metrics = broker.metrics;
	if (!metrics || !broker.isMetricsEnabled?.()) return;
	if (!metrics.hasMetric(name)) metrics.register({ name, ...SHOP_METRICS[name], labelNames: [...SHOP_METRICS[name].labelNames], rate: true } as never);
	metrics.increment(name, labels, value);
}
