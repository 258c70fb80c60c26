// Three nodes on one host, each started as a new user would: SERVICES and TRANSPORTER, nothing
// else about ports. Every node asks for the default metrics/health port (3030); the first one
// that gets it keeps it, the others take the next free one and say so in their log. All three
// join the cluster and each answers its own health endpoints. (Before: every node after the
// first died with EADDRINUSE, an unhandled 'error' from Moleculer's Prometheus reporter.)
import { TestCluster, type ShopNode } from "../support/cluster";
import { http } from "../support/http";

const SERVICES = ["currency", "recommendations", "shipping"];

/** The port the node said it serves metrics and health on. */
function healthPort(node: ShopNode): number {
	const match = /metrics and health on http:\/\/[^\s:]+:(\d+)/i.exec(node.logs());
	if (!match) throw new Error(`${node.name} never said where its health endpoint is:\n${node.logs()}`);
	return Number(match[1]);
}

describe("several nodes on one host with default settings", () => {
	const cluster = new TestCluster();

	beforeAll(() => cluster.start(), 30_000);
	afterAll(() => cluster.stop(), 30_000);

	it("all become ready, each on a metrics/health port of its own", async () => {
		// METRICS_PORT blank = the default, as when unset (the test harness otherwise turns it off).
		const nodes = await Promise.all(SERVICES.map(s => cluster.startNode(s, { services: [s], env: { METRICS_PORT: "", LOG_LEVEL: "info" } })));
		for (const node of nodes) expect(node.running).toBe(true);

		const ports = nodes.map(healthPort);
		expect(new Set(ports).size).toBe(3);
		// At most one of them got the default port; the others said why they took another.
		const movedAside = nodes.filter(n => /Port 3030 is in use/.test(n.logs()));
		expect(movedAside.length).toBeGreaterThanOrEqual(2);

		for (const [i, port] of ports.entries()) {
			const live = await http.get(`http://127.0.0.1:${port}/health/live`);
			expect(live.body).toMatchObject({ status: "live", nodeID: nodes[i].nodeID });
			await cluster.waitFor(async () => (await http.get(`http://127.0.0.1:${port}/health/ready`)).status === 200, 10_000, `${nodes[i].name} ready`);
			const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
			expect(metrics.status).toBe(200);
			expect(await metrics.text()).toContain("moleculer_broker_");
		}
	}, 60_000);
});
