// Two gateways behind a health-checking load balancer, the services on nodes of their own.
// - A gateway told to stop (SIGTERM) says "not ready" at once and keeps serving for its drain
//   time, so the balancer takes it out before its port closes: a shopper who never retries loses
//   nothing to a gateway restart.
// - A node killed with kill -9 is noticed by the cluster only seconds later; meanwhile readiness
//   must not wait on it, or a balancer with a 1 s check takes the healthy gateways out.
import { TestCluster } from "../support/cluster";
import { Balancer } from "../support/balancer";
import { http } from "../support/http";

const DRAIN_MS = 3_000;

describe("gateways behind a health-checking balancer", () => {
	const cluster = new TestCluster();

	beforeAll(async () => {
		await cluster.start();
		await Promise.all([
			cluster.startNode("gw1", { services: ["api"], env: { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) } }),
			cluster.startNode("gw2", { services: ["api"], env: { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) } }),
			cluster.startNode("svc", { services: ["users", "products", "inventory", "cart", "orders", "payments", "shipping", "notifications", "currency", "recommendations"] }),
			cluster.startNode("spare", { services: ["currency", "recommendations"] }),
		]);
		for (const gw of ["gw1", "gw2"]) {
			await cluster.waitFor(async () => (await http.get(`${cluster.url(gw)}/api/health/ready`).catch(() => null))?.status === 200, 30_000, `${gw} to be ready`);
		}
	}, 90_000);
	afterAll(() => cluster.stop(), 60_000);

	it("keeps answering readiness within 200 ms while a killed node is not yet noticed", async () => {
		const gw = cluster.url("gw2");
		// Every node has answered a readiness ping lately: the ordinary state of a probed gateway.
		for (let i = 0; i < 3; i++) await http.get(`${gw}/api/health/ready`);
		cluster.kill("spare");
		const killedAt = Date.now();
		const answers: string[] = [];
		while (Date.now() - killedAt < 4_000) {
			const res = await http.get(`${gw}/api/health/ready`, { timeoutMs: 2_000 });
			answers.push(`${Date.now() - killedAt}:${res.status}/${res.ms}`);
			// currency and recommendations still run on "svc": the shop stays ready.
			expect({ status: res.status, slow: res.ms > 200, answers }).toEqual({ status: 200, slow: false, answers });
			await new Promise(r => setTimeout(r, 100));
		}
	}, 30_000);

	it("still says 'down' for a service whose only node is dead, without waiting on it", async () => {
		await cluster.restart("spare");
		cluster.kill("svc");
		const res = await cluster.waitFor(
			async () => {
				const r = await http.get(`${cluster.url("gw2")}/api/health/ready`, { timeoutMs: 2_000 });
				expect(r.ms).toBeLessThan(500);
				return r.status === 503 && r.body.services.users === "down" && r.body.services.currency === "up";
			},
			15_000,
			"readiness to name the services of the dead node",
		);
		expect(res).toBeLessThan(15_000);
		await cluster.restart("svc");
		await cluster.waitFor(async () => (await http.get(`${cluster.url("gw2")}/api/health/ready`).catch(() => null))?.status === 200, 30_000, "the shop to be ready again");
	}, 60_000);

	it("on SIGTERM answers 'not ready' at once, serves through its drain time, then leaves", async () => {
		const gw = cluster.url("gw1");
		const child = cluster.node("gw1").process!;
		const exited = new Promise<number>(resolve => child.once("exit", () => resolve(Date.now())));
		const termAt = Date.now();
		child.kill("SIGTERM");
		await cluster.waitFor(async () => (await http.get(`${gw}/api/health/ready`)).status === 503, 500, "readiness to say 503");
		// Through most of the drain: live, and serving shoppers.
		while (Date.now() - termAt < DRAIN_MS - 500) {
			expect((await http.get(`${gw}/api/health`)).status).toBe(200);
			expect((await http.get(`${gw}/api/products/prod-0001`)).status).toBe(200);
			await new Promise(r => setTimeout(r, 200));
		}
		expect(await exited).toBeGreaterThanOrEqual(termAt + DRAIN_MS);
		await cluster.restart("gw1");
	}, 60_000);

	it("restarts a gateway without one refused or failed request for a client that never retries", async () => {
		const balancer = new Balancer([cluster.url("gw1"), cluster.url("gw2")]);
		const failures: string[] = [];
		let served = 0;
		let reading = true;
		const readers = Array.from({ length: 3 }, async () => {
			while (reading) {
				const gw = balancer.pickGateway();
				const res = await http.get(`${gw}/api/products/prod-0001`, { timeoutMs: 5_000 }).catch((err: Error & { cause?: { code?: string; message?: string } }) => err);
				if (res instanceof Error) failures.push(`${gw}: ${res.cause?.code ?? res.cause?.message ?? res.message}`);
				else if (res.status !== 200) failures.push(`${gw}: ${res.status}`);
				else served++;
			}
		});
		try {
			await new Promise(r => setTimeout(r, 1_000));
			await cluster.restart("gw1");
			await cluster.waitFor(async () => (await http.get(`${cluster.url("gw1")}/api/health/ready`).catch(() => null))?.status === 200, 30_000, "gw1 to be ready again");
			await new Promise(r => setTimeout(r, 1_500));
		} finally {
			reading = false;
			await Promise.all(readers);
			await balancer.stop();
		}
		expect({ failures, served: served > 0 }).toEqual({ failures: [], served: true });
	}, 90_000);
});
