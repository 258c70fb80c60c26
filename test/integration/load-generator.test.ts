// The load generator (npm run load) against the shop in one process: weighted shoppers finish
// their rounds with no unexpected answer, and a shop with a service down is reported as failing.
import type { ServiceBroker } from "moleculer";
import { formatReport, runLoad } from "../../bench/load";
import { gatewayUrl, startBroker } from "../support/broker";
import { createOutage, everyService } from "../support/shop";

// Both tests share this process's client address, and the gateway allows it 600 requests a
// minute: think times of at least 100 and 50 ms keep the two runs well under that (at most 120
// and 40 tasks of a few requests each), however fast the machine answers.
describe("load generator", () => {
	const outage = createOutage();
	let broker: ServiceBroker;
	let url: string;
	beforeAll(async () => {
		broker = await startBroker(everyService(), { middlewares: [outage.middleware] });
		url = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("runs shoppers through the weighted tasks and reports every route with its percentiles", async () => {
		const report = await runLoad({ url, users: 4, durationS: 3, thinkMs: 200, progress: null });
		expect(report.unexpected).toEqual([]);
		expect(report.requests).toBeGreaterThan(20);
		expect(report.routes.map(r => r.route)).toEqual(expect.arrayContaining(["GET /api/products", "GET /api/products/:id"]));
		for (const r of report.routes) expect(r.p50).toBeLessThanOrEqual(r.p99);
		expect(formatReport(report)).toMatch(/^route\s+count\s+errors\s+p50 ms\s+p95 ms\s+p99 ms/);
	}, 20_000);

	it("reports a shop with the catalog down as failing (what makes `npm run load` exit non-zero)", async () => {
		outage.down.add("products");
		try {
			const report = await runLoad({ url, users: 2, durationS: 1, thinkMs: 100, progress: null });
			expect(report.unexpected.length).toBeGreaterThan(0);
			expect(report.unexpected[0]).toMatch(/→ 503\b/);
		} finally {
			outage.down.clear();
		}
	}, 20_000);
});
