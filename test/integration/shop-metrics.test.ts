// The shop's own figures beside Moleculer's in the node's metrics registry (and so on its
// Prometheus endpoint): orders confirmed and failed by reason, revenue, messages sent.
import type { ServiceBroker } from "moleculer";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { waitFor } from "../support/poll";
import { everyService } from "../support/shop";

const ADDRESS = { name: "Mia Metric", street: "3 Gauge Ln", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED = { ...CARD, cardNumber: "4000000000000002" };
const token = signToken({ id: "metrics-shopper", email: "mia@example.com", role: "customer" });
const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;

describe("shop metrics", () => {
	let broker: ServiceBroker;
	let api: string;
	beforeAll(async () => {
		broker = await startBroker(everyService(), { metrics: { enabled: true } });
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());

	const value = (name: string, labels: Record<string, string> = {}) => {
		const metric = broker.metrics.getMetric(name);
		if (!metric) return 0;
		return (metric.snapshot() as { labels: Record<string, string>; value: number }[])
			.filter(v => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
			.reduce((sum, v) => sum + v.value, 0);
	};
	const buy = async (payment: object) => {
		await http.post(`${api}/cart/items`, { productId: product.id, quantity: 1 }, { token });
		return http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment }, { token });
	};

	it("counts a confirmed order and its revenue, and a declined one by its reason", async () => {
		const ok = await buy(CARD);
		expect(ok.status).toBe(201);
		await waitFor(() => value("shop.orders.confirmed.total"), n => n === 1, { what: "the confirmed order counted" });
		expect(value("shop.revenue.total", { currency: "USD" })).toBe(ok.body.total);

		expect((await buy(DECLINED)).status).toBe(402);
		await waitFor(() => value("shop.orders.failed.total", { reason: "payment_declined" }), n => n === 1, { what: "the declined order counted" });
		await http.del(`${api}/cart`, { token });
	});

	it("counts the messages sent to shoppers", async () => {
		await waitFor(() => value("shop.notifications.sent.total", { type: "order.confirmed" }), n => n >= 1, { what: "the confirmation counted" });
	});
});
