// The gateway in one process, a service in another, NATS between them: what a shopper sees
// when that service's machine dies, and when it comes back.
import { spawn } from "node:child_process";
import { projectRoot } from "../../lib/paths";
import { TestCluster } from "../support/cluster";
import { http, type JsonResponse } from "../support/http";

const REQUEST_TIMEOUT_MS = 3_000; // moleculer.config.ts requestTimeout
const SLACK_MS = 1_000;

function expect503(res: JsonResponse): void {
	expect(res.status).toBe(503);
	expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
	expect(res.body).toEqual(expect.objectContaining({ name: "ServiceUnavailableError", code: 503, type: "SERVICE_UNAVAILABLE", message: expect.any(String) }));
	expect(JSON.stringify(res.body)).not.toMatch(/nodeID|\d+\.\d+\.\d+\.\d+|\n\s+at /);
}

describe("a cluster on NATS", () => {
	const cluster = new TestCluster();

	beforeAll(async () => {
		await cluster.start();
		await cluster.startNode("gw", { services: ["api"] });
		await cluster.startNode("currency", { services: ["currency"] });
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("routes a REST call across NATS to a service on another node", async () => {
		const res = await http.get(`${cluster.url("gw")}/api/currencies`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual(expect.arrayContaining(["USD", "EUR"]));
	});

	it("lets the REPL (npm run repl) join the cluster and call actions", async () => {
		const output = await runRepl(cluster, ["nodes", "services", "call currency.list", 'call currency.convert {"from":"USD","to":"EUR","amounts":[1999]}']);
		expect(output).toContain(cluster.node("currency").nodeID);
		expect(output).toMatch(/currency\s*│/);
		expect(output).toMatch(/'USD',\s*'EUR'/);
		expect(output).toMatch(/amounts:\s*\[\s*1730\s*\]/);
	}, 30_000);

	it("answers 503 within its timeout while a killed service is noticed, then at once, and recovers", async () => {
		const gatewayPid = cluster.node("gw").process?.pid;
		cluster.kill("currency");
		const killedAt = Date.now();

		// Until the cluster notices, no request may wait longer than its timeout, and each gets a 503.
		let noticedAfterMs: number | null = null;
		const seen: string[] = [];
		while (Date.now() - killedAt < 10_000) {
			const batch = await Promise.all([1, 2, 3].map(() => http.get(`${cluster.url("gw")}/api/currencies`)));
			seen.push(`${Date.now() - killedAt}:${batch.map(r => `${r.status}/${r.ms}`).join(",")}`);
			for (const res of batch) {
				expect503(res);
				expect(res.ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
			}
			if (batch.every(r => r.ms < 500)) {
				noticedAfterMs = Date.now() - killedAt;
				break;
			}
		}
		expect({ noticedAfterMs, seen }).toEqual({ noticedAfterMs: expect.any(Number), seen });

		// Within 10 s of the kill: immediate 503s, and readiness names what is down.
		await cluster.waitFor(
			async () => {
				const res = await http.get(`${cluster.url("gw")}/api/health/ready`);
				return res.status === 503 && res.body.services.currency === "down";
			},
			Math.max(0, 10_000 - (Date.now() - killedAt)),
			"readiness to report currency down",
		);
		for (let i = 0; i < 5; i++) {
			const res = await http.get(`${cluster.url("gw")}/api/currencies`);
			expect503(res);
			expect(res.ms).toBeLessThan(500);
		}

		// Started again: 200 within 10 s, the gateway untouched.
		await cluster.restart("currency");
		const restartedAt = Date.now();
		await cluster.waitFor(async () => (await http.get(`${cluster.url("gw")}/api/currencies`)).status === 200, 10_000, "currencies to answer 200 again");
		expect(Date.now() - restartedAt).toBeLessThan(10_000);
		expect(cluster.node("gw").process?.pid).toBe(gatewayPid);
		expect(cluster.node("gw").running).toBe(true);
	}, 60_000);

	it("serves a node restarted under its old id before its death was noticed, without a gap (middlewares/info-is-heartbeat)", async () => {
		// Away for 3 s: its last heartbeat is about 4 s old when the new instance says hello,
		// which is before the cluster's check (every 4 s, for 4 s of silence) took it for dead.
		cluster.kill("currency");
		await new Promise(r => setTimeout(r, 3_000));
		await cluster.restart("currency");
		await cluster.waitFor(async () => (await http.get(`${cluster.url("gw")}/api/currencies`)).status === 200, 10_000, "currencies to answer");
		// Through the next heartbeat checks (every 4 s), the new instance must never be dropped.
		const statuses = new Set<number>();
		const until = Date.now() + 9_000;
		while (Date.now() < until) {
			statuses.add((await http.get(`${cluster.url("gw")}/api/currencies`)).status);
			await new Promise(r => setTimeout(r, 50));
		}
		expect([...statuses]).toEqual([200]);
	}, 40_000);
});

describe("the gateway's rate limit", () => {
	const cluster = new TestCluster();

	beforeAll(async () => {
		await cluster.start();
		await cluster.startNode("gw", { services: ["api", "currency"], env: { RATE_LIMIT: "5" } });
	}, 60_000);
	afterAll(() => cluster.stop(), 30_000);

	it("answers 429 with Retry-After past the limit, and X-Forwarded-For does not reset it", async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 8; i++) {
			const res = await http.get(`${cluster.url("gw")}/api/currencies`, { headers: { "x-forwarded-for": `203.0.113.${i}` } });
			statuses.push(res.status);
			if (res.status === 429) {
				expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
				expect(res.body).toEqual(expect.objectContaining({ code: 429, type: expect.any(String), message: expect.any(String) }));
			}
		}
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
	});
});

/** Drives `npm run repl` through its standard input, the way a person types, and returns what it printed. */
function runRepl(cluster: TestCluster, commands: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		// --ignore-scripts skips `prerepl` (the build): npm test has just built dist/.
		const repl = spawn("npm", ["run", "--silent", "--ignore-scripts", "repl"], {
			cwd: projectRoot,
			env: { ...process.env, TRANSPORTER: cluster.natsUrl, NAMESPACE: cluster.namespace, NODE_ID: `${cluster.namespace}-repl`, LOG_LEVEL: "warn", METRICS_PORT: "0", SERVICES: "" },
			stdio: ["pipe", "pipe", "pipe"],
		});
		let output = "";
		const plain = (c: Buffer) => c.toString().replace(/\x1b\[[0-9;]*m/g, "");
		repl.stdout.on("data", (c: Buffer) => (output += plain(c)));
		repl.stderr.on("data", (c: Buffer) => (output += plain(c)));
		const timer = setTimeout(() => {
			repl.kill("SIGKILL");
			reject(new Error(`The REPL did not finish:\n${output}`));
		}, 25_000);
		repl.once("exit", () => {
			clearTimeout(timer);
			resolve(output);
		});

		// Wait for the REPL to see the currency node, then type one command at a time.
		const seeCluster = () => output.includes("mol $");
		const typeAll = async () => {
			while (!seeCluster()) await new Promise(r => setTimeout(r, 100));
			await new Promise(r => setTimeout(r, 2_500)); // let discovery finish
			for (const command of commands) {
				const before = output.length;
				repl.stdin.write(`${command}\n`);
				while (output.length === before || !output.slice(before).includes("mol $")) await new Promise(r => setTimeout(r, 50));
			}
			repl.stdin.write("quit\n");
		};
		typeAll().catch(reject);
	});
}
