// With two instances of a stateless service, a rolling restart costs no request at all.
// Two gateways and two catalog nodes (products, currency, recommendations), the stateful services
// on one node of their own. Shoppers read without pause: some through a load balancer in front of
// both gateways, some straight at the second gateway. Each catalog node in turn, then the first
// gateway, gets SIGTERM, is started again and is ready before the next. No shopper request may fail
// (any non-2xx or no answer), and none may be answered with a fallback (prices in the base currency
// when euros were asked, no recommendations, no stock figures).
import { TestCluster } from "../support/cluster";
import { Balancer } from "../support/balancer";
import { http } from "../support/http";

const READERS_BEHIND_BALANCER = 3;
const READERS_ON_GW2 = 2;
const RESTARTED = ["cat1", "cat2", "gw1"];

type Answer = { status: number; body: any; gateway?: string };

interface Outcome {
	via: string;
	path: string;
	status: number;
	/** Why a 200 is not the full answer, or what the failure said. */
	problem: string;
	at: number;
}

/** What each read asks for, and what a full answer looks like. */
const READS: { path: (i: number) => string; full: (body: any) => string }[] = [
	{ path: i => `/products?page=${1 + (i % 2)}&currency=EUR`, full: b => (b.rows?.length > 0 && b.rows.every((r: any) => r.currency === "EUR" && typeof r.available === "number") ? "" : "not in EUR with stock") },
	{ path: i => `/products/prod-00${10 + (i % 30)}?currency=EUR`, full: b => (b.currency === "EUR" && typeof b.available === "number" ? "" : "not in EUR with stock") },
	{ path: () => "/currencies", full: b => (Array.isArray(b) && b.includes("EUR") ? "" : "no currencies") },
	{ path: i => `/products/prod-00${10 + (i % 30)}/recommendations`, full: b => (Array.isArray(b) && b.length > 0 ? "" : "no recommendations") },
	{ path: () => "/categories", full: b => (Array.isArray(b) && b.length > 0 ? "" : "no categories") },
];

describe("a rolling restart with two instances of every stateless service", () => {
	const cluster = new TestCluster();

	/** Whether gateway `gw` knows node `name` as it is now (its current process, not the one before a restart). */
	const knows = async (gw: string, name: string) => {
		const { nodeID } = cluster.node(name);
		const current = (cluster.observer.registry.nodes.get(nodeID) as unknown as { instanceID: string } | undefined)?.instanceID;
		const nodes = (await cluster.observer.call("$node.list", { onlyAvailable: true }, { nodeID: cluster.node(gw).nodeID })) as { id: string; instanceID: string }[];
		return nodes.some(n => n.id === nodeID && n.instanceID === current);
	};
	const ready = async (gw: string) => (await http.get(`${cluster.url(gw)}/api/health/ready`).catch(() => null))?.status === 200;

	beforeAll(async () => {
		await cluster.start();
		const catalog = ["products", "currency", "recommendations"];
		await Promise.all([
			cluster.startNode("gw1", { services: ["api"] }),
			cluster.startNode("gw2", { services: ["api"] }),
			cluster.startNode("cat1", { services: catalog }),
			cluster.startNode("cat2", { services: catalog }),
			cluster.startNode("rest", { services: ["inventory", "users", "cart", "orders", "payments", "shipping", "notifications"] }),
		]);
		const everyone = async () => {
			for (const gw of ["gw1", "gw2"]) {
				if (!(await ready(gw))) return false;
				for (const node of ["cat1", "cat2", "rest"]) if (!(await knows(gw, node))) return false;
			}
			return true;
		};
		await cluster.waitFor(everyone, 30_000, "both gateways to be ready and to see every node");
	}, 90_000);
	afterAll(() => cluster.stop(), 30_000);

	it("costs shoppers no request: nothing fails, nothing falls back", async () => {
		const outcomes: Outcome[] = [];
		const balancer = new Balancer([cluster.url("gw1"), cluster.url("gw2")]);
		let done = false;
		const reader = async (n: number, get: (path: string) => Promise<Answer>, via: string) => {
			for (let i = n; !done; i++) {
				const read = READS[i % READS.length];
				const path = read.path(i);
				const res: Answer = await get(path).catch((err: Error) => ({ status: 0, body: String(err.cause ?? err.message) }));
				const problem = res.status === 200 ? read.full(res.body) : JSON.stringify(res.body)?.slice(0, 200) ?? "";
				outcomes.push({ via: res.gateway ? `${via}→${res.gateway}` : via, path, status: res.status, problem, at: Date.now() });
				// A shopper's short pause: the machine's two cores also run every node.
				await new Promise(r => setTimeout(r, 20));
			}
		};
		const gw2 = cluster.url("gw2");
		const load = Promise.all([
			...Array.from({ length: READERS_BEHIND_BALANCER }, (_, n) => reader(n, p => balancer.get(p), "balancer")),
			...Array.from({ length: READERS_ON_GW2 }, (_, n) => reader(n + 2, p => http.get(`${gw2}/api${p}`, { timeoutMs: 10_000 }), "gw2")),
		]);

		const restarts: string[] = [];
		const steps: { name: string; from: number; to: number }[] = [];
		try {
			for (const name of RESTARTED) {
				const from = Date.now();
				await cluster.stopNode(name);
				await cluster.restart(name);
				// Ready before the next: a gateway answers ready, a catalog node is known to both gateways.
				if (name.startsWith("gw")) await cluster.waitFor(() => ready(name), 20_000, `${name} to be ready`);
				else await cluster.waitFor(async () => (await knows("gw1", name)) && (await knows("gw2", name)), 20_000, `both gateways to see ${name} again`);
				steps.push({ name, from, to: Date.now() });
				restarts.push(`${name} ${((Date.now() - from) / 1000).toFixed(1)} s`);
			}
			// A moment of reading on the restarted nodes too.
			const after = outcomes.length;
			await cluster.waitFor(() => outcomes.length >= after + 50, 20_000, "50 more reads after the last restart");
		} finally {
			done = true;
			await load;
			await balancer.stop();
		}

		const failed = outcomes.filter(o => o.status < 200 || o.status >= 300);
		const degraded = outcomes.filter(o => o.status === 200 && o.problem);
		const during = (o: Outcome) => steps.find(s => o.at >= s.from && o.at <= s.to)?.name ?? "between";
		const count = (via: string) => outcomes.filter(o => o.via.startsWith(via)).length;
		process.stdout.write(
			`Rolling restart of ${restarts.join(", ")}: ${outcomes.length} reads (${count("balancer")} through the balancer, ${count("gw2")} on gw2), ` +
				// Worded so that no figure reads like a test runner's count ("N passed", "N failed"): CI reads those.
				`${failed.length} not answered, ${degraded.length} with a fallback, ${balancer.passedOn} handed by the balancer to the other gateway ${JSON.stringify(balancer.passedWhy)}\n`,
		);
		const line = (o: Outcome) => `${o.via} ${o.path} → ${o.status} ${o.problem} (during ${during(o)})`;
		expect({ failed: failed.map(line), degraded: degraded.map(line) }).toEqual({ failed: [], degraded: [] });
		// Real traffic through each restart, not a handful of requests.
		for (const step of steps) expect({ step: step.name, reads: outcomes.filter(o => o.at >= step.from && o.at <= step.to).length > 20 }).toEqual({ step: step.name, reads: true });
		// Shoppers of the other gateway were served by it while the first one restarted.
		const onGw2 = outcomes.filter(o => o.via === "gw2" && during(o) === "gw1");
		expect({ reads: onGw2.length > 10, full: onGw2.every(o => o.status === 200 && !o.problem) }).toEqual({ reads: true, full: true });
	}, 120_000);
});
