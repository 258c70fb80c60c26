// Giving the metric rates their final shape at start must leave every figure as it was.
import { ServiceBroker } from "moleculer";
import { settleMetricRates } from "../../middlewares/settled-metric-rates.middleware";

describe("metric rates settled at start", () => {
	const broker = new ServiceBroker({ logger: false, metrics: { enabled: true, collectProcessMetrics: false } });
	beforeAll(() => broker.start());
	afterAll(() => broker.stop());

	it("keeps each rate's figures and leaves no metric of its own behind", () => {
		broker.metrics.register({ name: "test.calls", type: "counter", rate: true });
		broker.metrics.increment("test.calls", {}, 3);
		const item = (broker.metrics.getMetric("test.calls") as unknown as { values: Map<string, { rate: Record<string, unknown> }> }).values.get("")!;
		const before = { rate: item.rate.rate, value: item.rate.value, lastValue: item.rate.lastValue, lastTickTime: item.rate.lastTickTime };
		expect(settleMetricRates(broker)).toBeGreaterThanOrEqual(1);
		expect({ rate: item.rate.rate, value: item.rate.value, lastValue: item.rate.lastValue, lastTickTime: item.rate.lastTickTime }).toEqual(before);
		expect(broker.metrics.hasMetric("shop.metric-rate-shape")).toBe(false);
	});

	it("does nothing with metrics off", () => {
		expect(settleMetricRates(new ServiceBroker({ logger: false, metrics: false }))).toBe(0);
	});
});
