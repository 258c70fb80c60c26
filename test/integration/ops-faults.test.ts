// Fault injection at runtime and live service metrics, across several nodes in one process
// (Moleculer's Fake transporter): rules set through the gateway reach every node within 2 s,
// also a node that joins later; each kind of rule does what it says where the target runs; and
// the metrics of every node add up to one row per service.
import crypto from "node:crypto";
import type { ServiceBroker } from "moleculer";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import OpsService from "../../services/ops/ops.service";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { waitFor } from "../support/poll";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "u-ada", email: "ada@example.com", role: "customer" });
const namespace = `ops-${crypto.randomBytes(4).toString("hex")}`;
const onCluster = (nodeID: string) => ({ namespace, nodeID: `${namespace}-${nodeID}`, transporter: "Fake" as const, metrics: { enabled: true } });

describe("ops: faults and metrics across nodes", () => {
	const brokers: ServiceBroker[] = [];
	let base: string;
	let currencyNode: ServiceBroker;

	beforeAll(async () => {
		const gateway = await startBroker([ApiService, OpsService], onCluster("gateway"));
		currencyNode = await startBroker([CurrencyService], onCluster("currency"));
		brokers.push(gateway, currencyNode);
		base = `${gatewayUrl(gateway)}/api`;
		await gateway.waitForServices(["currency"], 5_000);
	});
	afterEach(() => http.del(`${base}/ops/faults`, { token: admin }));
	afterAll(() => Promise.all(brokers.map(b => b.stop())));

	const setRules = (rules: unknown[]) => http.put(`${base}/ops/faults`, { rules }, { token: admin });
	const currencies = () => http.get(`${base}/currencies`);

	it("has no rule by default", async () => {
		expect((await http.get(`${base}/ops/faults`, { token: admin })).body).toEqual({ rules: [] });
	});

	it("lets only admins see or change the rules", async () => {
		expect((await http.get(`${base}/ops/faults`)).status).toBe(401);
		expect((await http.get(`${base}/ops/faults`, { token: customer })).status).toBe(403);
		expect((await setRules([{ target: "currency", unavailable: true }]).then(() => http.put(`${base}/ops/faults`, { rules: [] }, { token: customer }))).status).toBe(403);
		expect((await http.get(`${base}/ops/metrics`, { token: customer })).status).toBe(403);
	});

	it.each([
		["an error rate above 1", { target: "currency", errorRate: 2 }],
		["a latency above 30 s", { target: "currency", latencyMs: 40_000 }],
		["a target that is not a service or action name", { target: "currency; drop" }],
		["an until that is not a time", { target: "currency", until: "tomorrow" }],
		["a field of its own", { target: "currency", crash: true }],
	])("refuses a rule with %s (422), and keeps the rules in force", async (_what, rule) => {
		const res = await setRules([rule]);
		expect(res.status).toBe(422);
		expect((await http.get(`${base}/ops/faults`, { token: admin })).body).toEqual({ rules: [] });
	});

	it("makes a service unavailable on its own node within 2 s (503), and takes it back on DELETE", async () => {
		const set = await setRules([{ target: "currency", unavailable: true }]);
		expect(set.status).toBe(200);
		expect(set.body.rules).toEqual([{ id: expect.any(String), target: "currency", latencyMs: 0, errorRate: 0, unavailable: true, until: null }]);
		const down = await waitFor(currencies, r => r.status === 503, { timeoutMs: 2_000, what: "a 503 from currency" });
		expect(down.headers.get("retry-after")).toBeTruthy();
		expect(down.body.type).toBe("SERVICE_UNAVAILABLE");

		expect((await http.del(`${base}/ops/faults`, { token: admin })).body).toEqual({ rules: [] });
		await waitFor(currencies, r => r.status === 200, { timeoutMs: 2_000, what: "currency back" });
	});

	it("delays the calls of one action only", async () => {
		await setRules([{ target: "currency.list", latencyMs: 400 }]);
		const slow = await waitFor(currencies, r => r.ms >= 400, { timeoutMs: 2_000, what: "a slow currency.list" });
		expect(slow.status).toBe(200);
		const other = await currencyNode.call("currency.convert", { from: "USD", to: "EUR", amounts: [100] });
		expect(other).toEqual({ currency: "EUR", amounts: [expect.any(Number)] });
	});

	it("fails about the given share of calls", async () => {
		await setRules([{ target: "currency", errorRate: 0.5 }]);
		// Wait until the rule is in force on the currency node, then count.
		await waitFor(currencies, r => r.status === 503, { timeoutMs: 2_000, what: "the first injected failure" });
		const answers = await Promise.all(Array.from({ length: 200 }, () => currencies()));
		const failed = answers.filter(r => r.status === 503).length;
		expect(failed).toBeGreaterThan(60);
		expect(failed).toBeLessThan(140);
		expect(answers.every(r => r.status === 200 || r.status === 503)).toBe(true);
	});

	it("ignores a rule whose until has passed, and does not list it", async () => {
		const res = await setRules([{ target: "currency", unavailable: true, until: new Date(Date.now() - 1_000).toISOString() }]);
		expect(res.status).toBe(200);
		expect((await http.get(`${base}/ops/faults`, { token: admin })).body).toEqual({ rules: [] });
		expect((await currencies()).status).toBe(200);
	});

	it("gives a node that joins later the rules in force", async () => {
		await setRules([{ target: "currency", unavailable: true }]);
		const late = await startBroker([CurrencyService], onCluster("late"));
		brokers.push(late);
		await waitFor(
			() => late.call("currency.list").then(() => "answered", (err: { code?: number }) => err.code),
			outcome => outcome === 503,
			{ timeoutMs: 2_000, what: "the late node to apply the rule" },
		);
	});

	it("shows one row per service with its nodes, rate, errors, p95 and breaker", async () => {
		await setRules([{ target: "currency.list", errorRate: 1 }]);
		const rowOf = async () => {
			await Promise.all(Array.from({ length: 20 }, () => currencies()));
			const res = await http.get(`${base}/ops/metrics`, { token: admin });
			return res.body.services?.find((s: { name: string }) => s.name === "currency");
		};
		// Moleculer updates its one-minute rates every 5 s.
		const row = await waitFor(rowOf, r => r?.requestsPerSecond > 0 && r?.errorsPerSecond > 0, { timeoutMs: 15_000, everyMs: 500, what: "currency's rates" });
		expect(row).toEqual({ name: "currency", nodes: expect.any(Number), requestsPerSecond: expect.any(Number), errorsPerSecond: expect.any(Number), p95Ms: expect.any(Number), breaker: expect.stringMatching(/^(closed|half-open|open)$/) });
		expect(row.nodes).toBeGreaterThanOrEqual(1);
		const all = (await http.get(`${base}/ops/metrics`, { token: admin })).body;
		expect(Date.parse(all.at)).not.toBeNaN();
		expect(all.services.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(["api", "currency", "ops"]));
	});
});
