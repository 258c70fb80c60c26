// The lean request-metrics middleware must count exactly what Moleculer's own Metrics middleware
// counts, and take its place without costing a broker any of Moleculer's internal middlewares.
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import { useLeanMetricTypes } from "../../lib/lean-metric-types";
import { LeanRequestMetricsMiddleware, useLeanRequestMetrics } from "../../middlewares/lean-request-metrics.middleware";

useLeanMetricTypes();

const services: ServiceSchema[] = [
	{
		name: "shelf",
		actions: {
			get: { params: { id: "string" }, handler: ctx => ({ id: (ctx.params as { id: string }).id }) },
			fail: () => Promise.reject(Object.assign(new Error("nope"), { code: 422, type: "NOPE" })),
		},
	},
	{
		name: "front",
		actions: {
			page: {
				async handler(ctx) {
					await ctx.call("shelf.get", { id: "a" });
					await ctx.call("shelf.get", { id: "b" });
					await ctx.call("shelf.fail").catch(() => null);
					return "ok";
				},
			},
		},
	},
];

const base: BrokerOptions = { logger: false, metrics: { enabled: true, collectProcessMetrics: false } };

async function metricsAfterTraffic(options: BrokerOptions) {
	const broker = new ServiceBroker({ ...base, ...options });
	services.forEach(s => broker.createService(s));
	await broker.start();
	try {
		for (let i = 0; i < 3; i++) await broker.call("front.page");
		await broker.call("shelf.get", { id: "c" });
		await broker.call("shelf.fail").catch(() => null);
		await broker.call("shelf.get", {}).catch(() => null); // refused by the validator
		const list = broker.metrics.list({ includes: ["moleculer.request.**"] }) as unknown as {
			name: string;
			values: { key: string; labels: object; value?: number; count?: number; rate?: number }[];
		}[];
		// Durations differ from run to run: only how many were timed is compared.
		return list.map(m => ({ name: m.name, values: m.values.map(v => ({ key: v.key, labels: v.labels, value: v.value, count: v.count })) }));
	} finally {
		await broker.stop();
	}
}

const namesOf = (b: ServiceBroker) => (b.middlewares as unknown as { list: { name?: string }[] }).list.map(m => m.name);

describe("lean request metrics", () => {
	// Moleculer's own first: registering the lean one replaces it for every broker made afterwards.
	let moleculers: Awaited<ReturnType<typeof metricsAfterTraffic>>;
	let moleculersNames: (string | undefined)[];
	beforeAll(async () => {
		moleculers = await metricsAfterTraffic({});
		moleculersNames = namesOf(new ServiceBroker({ ...base, hotReload: true }));
		useLeanRequestMetrics();
	});

	it("counts requests, active requests, levels, times and errors as Moleculer's own middleware does", async () => {
		const lean = await metricsAfterTraffic({});
		expect(lean).toEqual(moleculers);
		const total = lean.find(m => m.name === "moleculer.request.total")!;
		expect(total.values).toEqual(expect.arrayContaining([expect.objectContaining({ labels: expect.objectContaining({ action: "shelf.get", caller: "front" }), value: 6 })]));
		expect(lean.find(m => m.name === "moleculer.request.error.total")!.values.length).toBeGreaterThan(0);
	});

	it("takes Moleculer's Metrics place: every internal middleware kept, in Moleculer's order, HotReload too", () => {
		const registered = (jest.requireActual("moleculer") as { Middlewares: Record<string, unknown> }).Middlewares;
		expect(registered.Metrics).toBe(LeanRequestMetricsMiddleware);
		expect(namesOf(new ServiceBroker({ ...base, hotReload: true }))).toEqual(moleculersNames);
	});

	it("leaves the shop's broker Moleculer's internal middlewares when it is given middlewares of its own", async () => {
		// Tests (and anyone starting from this shop) replace `middlewares`: validation and the
		// cache must not go with them.
		const config = jest.requireActual("../../moleculer.config") as BrokerOptions;
		const broker = new ServiceBroker({ ...config, logger: false, transporter: undefined, cacher: "Memory", middlewares: [] });
		const names = namesOf(broker);
		for (const internal of ["Validator", "Cacher", "Timeout", "Metrics"]) expect(names).toContain(internal);
		services.forEach(s => broker.createService(s));
		await broker.start();
		try {
			await expect(broker.call("shelf.get", {})).rejects.toMatchObject({ name: "ValidationError" });
		} finally {
			await broker.stop();
		}
	});
});
