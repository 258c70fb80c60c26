// The orders knobs come from the environment through lib/config.ts, the one place that reads it.
import { loadConfig } from "../../lib/config";

describe("orders configuration", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it("runs on defaults a laptop can use: a lease longer than any step", () => {
		for (const name of Object.keys(process.env).filter(n => n.startsWith("ORDERS_"))) delete process.env[name];
		const { orders } = loadConfig();
		expect(orders).toMatchObject({ stepTimeoutMs: 3_000, leaseMs: 15_000, sweepMs: 2_000 });
		expect(orders.leaseMs).toBeGreaterThan(orders.stepTimeoutMs);
	});

	it("reads the saga's timings from ORDERS_* variables", () => {
		Object.assign(process.env, { ORDERS_LEASE_MS: "4000", ORDERS_SWEEP_MS: "500", ORDERS_RELAY_RETRY_MS: "1000" });
		expect(loadConfig().orders).toMatchObject({ leaseMs: 4_000, sweepMs: 500, relayRetryMs: 1_000 });
	});

	it("refuses to start with a lease no longer than a step, which would let two runs drive one order", () => {
		Object.assign(process.env, { ORDERS_LEASE_MS: "3000", ORDERS_STEP_TIMEOUT_MS: "3000" });
		expect(() => loadConfig()).toThrow(/ORDERS_LEASE_MS \(3000\) must be longer than ORDERS_STEP_TIMEOUT_MS/);
	});

	it("refuses a wait of zero, which would spin", () => {
		process.env.ORDERS_SWEEP_MS = "0";
		expect(() => loadConfig()).toThrow(/ORDERS_SWEEP_MS must be a whole number ≥ 1/);
	});

});
