// The lean metric types must give exactly Moleculer's figures: same keys, values, rates, buckets
// and quantiles, for any sequence of updates and any labels.
import { MetricTypes, ServiceBroker } from "moleculer";
import { labelKey, LabelKeys, useLeanMetricTypes } from "../../lib/lean-metric-types";

type Metric = {
	increment(labels?: object, value?: number, timestamp?: number): unknown;
	decrement(labels?: object, value?: number, timestamp?: number): unknown;
	set(value: number, labels?: object, timestamp?: number): unknown;
	observe(value: number, labels?: object, timestamp?: number): unknown;
	reset(labels?: object, timestamp?: number): unknown;
	resetAll(timestamp?: number): unknown;
	snapshot(): unknown;
	hashingLabels(labels: unknown): string;
};
type MetricClass = new (opts: object, registry: unknown) => Metric;

// Moleculer's own classes, kept before the lean ones take their names.
const original = { Counter: MetricTypes.Counter, Gauge: MetricTypes.Gauge, Histogram: MetricTypes.Histogram } as unknown as Record<string, MetricClass>;
useLeanMetricTypes();
const lean = { Counter: MetricTypes.Counter, Gauge: MetricTypes.Gauge, Histogram: MetricTypes.Histogram } as unknown as Record<string, MetricClass>;

const LABEL_SETS: (Record<string, unknown> | null | undefined)[] = [
	{ service: "products", action: "products.get", caller: "api", type: "local" },
	{ service: "products", action: "products.get", caller: null, type: "local" },
	{ service: "cart", action: "cart.get", caller: "api", type: "remote" },
	{ service: 'we"ird|name', action: 7, caller: true, type: undefined },
	{ service: "products", action: "products.get", caller: { not: "a primitive" }, type: "local" },
	{ action: "products.get" },
	{},
	null,
	undefined,
];

describe("lean metric types", () => {
	beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => jest.useRealTimers());

	const broker = new ServiceBroker({ logger: false, metrics: { enabled: true, collectProcessMetrics: false } });
	const opts = { name: "test.metric", labelNames: ["service", "action", "caller", "type"], rate: true };

	it("are the ones Moleculer resolves from now on, and differ from its own", () => {
		for (const type of ["Counter", "Gauge", "Histogram"]) {
			expect(lean[type]).not.toBe(original[type]);
			expect(Object.getPrototypeOf(lean[type].prototype)).toBe(original[type].prototype);
		}
	});

	it("make Moleculer's label keys for every kind of label value", () => {
		const keysOf = new LabelKeys(opts.labelNames);
		const moleculer = new original.Gauge(opts, broker.metrics);
		for (const labels of LABEL_SETS) {
			expect(labelKey(opts.labelNames, labels)).toBe(moleculer.hashingLabels(labels));
			expect(keysOf.of(labels)).toBe(moleculer.hashingLabels(labels));
			// Found again, the same.
			expect(keysOf.of(labels)).toBe(moleculer.hashingLabels(labels));
		}
		expect(new LabelKeys([]).of({ a: 1 })).toBe("");
	});

	it.each(["Counter", "Gauge"])("a %s gives Moleculer's snapshot and rates after the same updates", type => {
		const a = new original[type]({ ...opts, type: type.toLowerCase() }, broker.metrics);
		const b = new lean[type]({ ...opts, type: type.toLowerCase() }, broker.metrics);
		const both = (update: (m: Metric) => void) => [a, b].forEach(update);
		LABEL_SETS.forEach((labels, i) => {
			both(m => m.increment(labels ?? undefined));
			both(m => m.increment(labels ?? undefined, i + 2));
			if (type === "Gauge") both(m => m.decrement(labels ?? undefined, 1));
			both(m => m.set(i * 10, { service: "products", action: "products.get", caller: "api", type: "local" }));
		});
		jest.advanceTimersByTime(5_000); // one tick of every rate
		both(m => m.increment({ service: "cart", action: "cart.get", caller: "api", type: "remote" }, 3));
		both(m => m.reset({ action: "products.get" }));
		expect(b.snapshot()).toEqual(a.snapshot());
	});

	it("a histogram gives Moleculer's snapshot: buckets, quantiles, rates, after resets too", () => {
		const hist = { ...opts, type: "histogram", buckets: true, quantiles: true };
		const a = new original.Histogram(hist, broker.metrics);
		const b = new lean.Histogram(hist, broker.metrics);
		const values = [0, 0.4, 1, 1.01, 5, 7.5, 10, 24.9, 25, 99, 250, 2_600, 10_000, 12_000];
		const both = (update: (m: Metric) => void) => [a, b].forEach(update);
		LABEL_SETS.forEach((labels, i) => values.forEach(v => both(m => m.observe(v * (i + 1), labels ?? undefined))));
		jest.advanceTimersByTime(5_000); // one tick of every rate
		values.forEach(v => both(m => m.observe(v, LABEL_SETS[0] ?? undefined)));
		both(m => m.reset(LABEL_SETS[2] ?? undefined));
		both(m => m.observe(3, LABEL_SETS[2] ?? undefined));
		expect(b.snapshot()).toEqual(a.snapshot());
		// Read again after more observations: not a stale snapshot.
		both(m => m.observe(700, LABEL_SETS[0] ?? undefined));
		expect(b.snapshot()).toEqual(a.snapshot());
		const c = new original.Histogram(hist, broker.metrics);
		const d = new lean.Histogram(hist, broker.metrics);
		for (const m of [c, d]) {
			values.forEach(v => m.observe(v, LABEL_SETS[0] ?? undefined));
			m.resetAll();
			m.observe(42, LABEL_SETS[0] ?? undefined);
		}
		expect(d.snapshot()).toEqual(c.snapshot());
	});
});

describe("the shop's broker configuration", () => {
	it("makes brokers whose request metrics are the lean types, with Moleculer's figures", async () => {
		jest.isolateModules(() => {
			require("../../moleculer.config");
		});
		const broker = new ServiceBroker({ logger: false, metrics: { enabled: true, collectProcessMetrics: false } });
		broker.createService({ name: "echo", actions: { hi: () => "hi" } });
		await broker.start();
		try {
			await broker.call("echo.hi");
			const time = broker.metrics.getMetric("moleculer.request.time") as unknown as { snapshot(): { count: number; buckets: Record<string, number> }[] };
			expect(time).toBeInstanceOf(MetricTypes.Histogram);
			expect(time.constructor).not.toBe(original.Histogram);
			const [item] = time.snapshot();
			expect(item.count).toBe(1);
			expect(item.buckets["10000"]).toBe(1);
		} finally {
			await broker.stop();
		}
	});
});
