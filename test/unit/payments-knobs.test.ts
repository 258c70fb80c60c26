import { paymentsConfig } from "../../lib/config";

const latencyFromEnv = () => paymentsConfig().latencyMs;
const failureRateFromEnv = () => paymentsConfig().failureRate;

describe("payments knobs from the environment", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it("adds no latency and no outages unless asked", () => {
		delete process.env.PAYMENTS_LATENCY_MS;
		delete process.env.PAYMENTS_FAILURE_RATE;
		expect(latencyFromEnv()).toBe(0);
		expect(failureRateFromEnv()).toBe(0);
	});

	it("reads PAYMENTS_LATENCY_MS and PAYMENTS_FAILURE_RATE", () => {
		process.env.PAYMENTS_LATENCY_MS = "1500";
		process.env.PAYMENTS_FAILURE_RATE = "0.25";
		expect(latencyFromEnv()).toBe(1500);
		expect(failureRateFromEnv()).toBe(0.25);
	});

	it("refuses to start with a knob that makes no sense, naming it", () => {
		process.env.PAYMENTS_FAILURE_RATE = "1.5";
		expect(() => failureRateFromEnv()).toThrow(/PAYMENTS_FAILURE_RATE/);
		process.env.PAYMENTS_LATENCY_MS = "soon";
		expect(() => latencyFromEnv()).toThrow(/PAYMENTS_LATENCY_MS/);
	});
});
