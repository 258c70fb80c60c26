// The lean request-metrics middleware must count exactly what Moleculer's own Metrics middleware
// counts, and the shop's broker must get Moleculer's internal middlewares in Moleculer's order.
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import { useLeanMetricTypes } from "../../lib/lean-metric-types";
import { moleculerMiddlewares } from "../../middlewares/lean-request-metrics.middleware";

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

describe("lean request metrics", () => {
	it("counts requests, active requests, levels, times and errors as Moleculer's own middleware does", async () => {
		const moleculers = await metricsAfterTraffic({});
		const lean = await metricsAfterTraffic({ internalMiddlewares: false, middlewares: moleculerMiddlewares() as BrokerOptions["middlewares"] });
		expect(lean).toEqual(moleculers);
		const total = lean.find(m => m.name === "moleculer.request.total")!;
		expect(total.values).toEqual(expect.arrayContaining([expect.objectContaining({ labels: expect.objectContaining({ action: "shelf.get", caller: "front" }), value: 6 })]));
		expect(lean.find(m => m.name === "moleculer.request.error.total")!.values.length).toBeGreaterThan(0);
	});

	it("gives the shop's broker Moleculer's internal middlewares, in Moleculer's order", () => {
		jest.isolateModules(() => {
			const config = require("../../moleculer.config") as BrokerOptions;
			const shop = new ServiceBroker({ ...config, logger: false, transporter: undefined, cacher: undefined });
			const plain = new ServiceBroker({ logger: false, metrics: true });
			const names = (b: ServiceBroker) => (b.middlewares as unknown as { list: { name?: string }[] }).list.map(m => m.name);
			const internal = names(plain);
			expect(internal).toContain("Metrics");
			// All of Moleculer's, in its order, after the shop's own (FaultInjection adds one more when the broker is made).
			const shopNames = names(shop);
			expect(shopNames.filter(n => internal.includes(n))).toEqual(internal);
			expect(shopNames.indexOf(internal[0])).toBeGreaterThan(shopNames.indexOf("SettledMetricRates"));
		});
	});

	it("adds Moleculer's HotReload when the broker is made with hotReload (npm run dev's --hot), as Moleculer does", () => {
		const names = (b: ServiceBroker) => (b.middlewares as unknown as { list: { name?: string }[] }).list.map(m => m.name);
		const hot = new ServiceBroker({ ...base, hotReload: true, internalMiddlewares: false, middlewares: moleculerMiddlewares() as BrokerOptions["middlewares"] });
		const plainHot = new ServiceBroker({ ...base, hotReload: true });
		expect(names(hot)).toEqual(names(plainHot));
		expect(names(hot)).toContain("HotReload");
		const cold = new ServiceBroker({ ...base, internalMiddlewares: false, middlewares: moleculerMiddlewares() as BrokerOptions["middlewares"] });
		expect(names(cold)).not.toContain("HotReload");
	});
});
