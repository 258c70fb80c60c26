// One row per service from every node's Moleculer metrics: the service's own rates and latency
// (where it ran, not where it was called from), and the worst circuit towards it on any node.
import type { NodeMetrics } from "../../lib/cluster-metrics";
import { serviceRows } from "../../services/ops/metrics";

const request = (service: string, type: "local" | "remote", rate: number) => ({ labels: { service, action: `${service}.x`, type }, value: 1, rate });

const nodes: NodeMetrics[] = [
	{
		nodeID: "gateway",
		metrics: [
			// The gateway's calls to payments are "remote" here and "local" on the payments nodes: not counted twice.
			{ name: "moleculer.request.total", type: "counter", values: [request("api", "local", 600), request("payments", "remote", 600)] },
			{ name: "moleculer.request.error.total", type: "counter", values: [request("payments", "remote", 60)] },
			{ name: "moleculer.circuit-breaker.half-opened.active", type: "gauge", values: [{ labels: { service: "payments", affectedNodeID: "pay-1" }, value: 1 }] },
		],
	},
	{
		nodeID: "pay-1",
		metrics: [
			{ name: "moleculer.request.total", type: "counter", values: [request("payments", "local", 360)] },
			{ name: "moleculer.request.error.total", type: "counter", values: [request("payments", "local", 30)] },
			{ name: "moleculer.request.time", type: "histogram", values: [{ labels: { service: "payments", type: "local" }, quantiles: { "0.95": 40 } }] },
		],
	},
	{
		nodeID: "pay-2",
		metrics: [
			{ name: "moleculer.request.total", type: "counter", values: [request("payments", "local", 240)] },
			{ name: "moleculer.request.error.total", type: "counter", values: [request("payments", "local", 30)] },
			{ name: "moleculer.request.time", type: "histogram", values: [{ labels: { service: "payments", type: "local" }, quantiles: { "0.95": 120.456 } }] },
			{ name: "moleculer.circuit-breaker.opened.active", type: "gauge", values: [{ labels: { service: "inventory" }, value: 0 }] },
		],
	},
];

describe("ops metrics rows", () => {
	const rows = serviceRows(
		new Map([
			["api", new Set(["gateway"])],
			["payments", new Set(["pay-1", "pay-2"])],
			["inventory", new Set(["pay-2"])],
		]),
		nodes,
	);

	it("adds up where the service ran, per second", () => {
		expect(rows.find(r => r.name === "payments")).toMatchObject({ nodes: 2, requestsPerSecond: 10, errorsPerSecond: 1 });
	});

	it("reports the slowest p95 among the service's nodes", () => {
		expect(rows.find(r => r.name === "payments")?.p95Ms).toBe(120.46);
	});

	it("reports the worst circuit towards the service on any node", () => {
		expect(rows.find(r => r.name === "payments")?.breaker).toBe("half-open");
		expect(rows.find(r => r.name === "inventory")?.breaker).toBe("closed");
	});

	it("gives every running service a row, also one without traffic", () => {
		expect(rows.map(r => r.name)).toEqual(["api", "inventory", "payments"]);
		expect(rows.find(r => r.name === "inventory")).toEqual({ name: "inventory", nodes: 1, requestsPerSecond: 0, errorsPerSecond: 0, p95Ms: 0, breaker: "closed" });
	});
});
