// A node of do-nothing services for bench/checkout-cluster.bench.ts: the same calls as a
// checkout's chain, each answering at once. NOOP names the services this node runs.
import { ServiceBroker, type ServiceSchema } from "moleculer";
import brokerConfig from "../moleculer.config";

const noop = (name: string, actions: string[]): ServiceSchema => ({
	name: `noop-${name}`,
	actions: Object.fromEntries(actions.map(a => [a, { handler: () => ({ ok: true }) }])),
});

export const NOOP_SERVICES: Record<string, ServiceSchema> = {
	inventory: noop("inventory", ["reserve", "commit"]),
	payments: noop("payments", ["charge"]),
	shipping: noop("shipping", ["create"]),
	notifications: noop("notifications", ["enqueue"]),
	orders: {
		name: "noop-orders",
		actions: {
			async checkout(ctx) {
				const orderId = String(Math.random());
				await ctx.call("noop-inventory.reserve", { orderId });
				await ctx.call("noop-payments.charge", { orderId });
				await ctx.call("noop-shipping.create", { orderId });
				await ctx.call("noop-inventory.commit", { orderId });
				await ctx.call("noop-notifications.enqueue", { orderId });
				return { id: orderId };
			},
		},
	},
};

if (require.main === module) {
	const broker = new ServiceBroker({ ...brokerConfig, metrics: { enabled: false } });
	for (const name of (process.env.NOOP ?? "").split(",")) broker.createService(NOOP_SERVICES[name]);
	void broker.start();
	process.once("SIGTERM", () => void broker.stop().then(() => process.exit(0)));
}
