// A rolling deploy under shoppers: every service node in turn gets SIGTERM and is started again,
// the next only once the shop is ready. A node finishes what it has and says goodbye; callers of a
// service that left gracefully wait a moment for it to be back (middlewares/wait-for-restart).
// What shoppers browsing, reading and filling carts saw: at most 1 in 100 requests failed.
import { formatReport, runLoad } from "../../bench/load";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { expectBooksToBalance } from "../support/books";
import { SHOP_LAYOUT, TestCluster } from "../support/cluster";
import { http } from "../support/http";

const admin = signToken({ id: "deploy-admin", email: "admin@example.com", role: "admin" });
const SERVICE_NODES = Object.keys(SHOP_LAYOUT).filter(name => name !== "gw");

describe("a rolling restart of every service node", () => {
	const cluster = new TestCluster();
	let base: string;

	beforeAll(async () => {
		await cluster.start();
		base = (await cluster.startShop()).replace(/\/api$/, "");
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("costs shoppers at most 1 request in 100", async () => {
		let restarted = false;
		const load = runLoad({ url: base, users: 5, durationS: 120, thinkMs: 50, progress: null, stop: () => restarted });
		for (const name of SERVICE_NODES) {
			await cluster.stopNode(name);
			await cluster.restart(name);
			await cluster.waitFor(async () => (await http.get(`${base}/api/health/ready`)).status === 200, 20_000, `the shop to be ready after ${name}`);
		}
		restarted = true;
		const report = await load;
		const failed = report.routes.reduce((sum, r) => sum + r.errors, 0);
		const detail = `${formatReport(report)}\n`;
		process.stdout.write(`Rolling restart, what shoppers saw:\n${detail}`);
		expect({ failedShare: failed / report.requests <= 0.01, detail: failed ? detail : "" }).toEqual({ failedShare: true, detail: failed ? detail : "" });
		// Real traffic during the restarts, not a handful of requests: at least 10 per node restarted.
		// (Alone the test sees 120-190 in its ~6 s; beside other cluster tests on two cores, requests
		// that wait for a restarting node take seconds, and 57 were seen.)
		expect(report.requests).toBeGreaterThanOrEqual(10 * SERVICE_NODES.length);
		// Whatever the shoppers bought meanwhile: charged − refunded = confirmed totals, stock accounted for.
		await expectBooksToBalance(cluster, `${base}/api`, admin, Object.fromEntries(SEED_PRODUCTS.map(p => [p.id, p.initialStock])));
	}, 120_000);
});
