import { loadConfig } from "../../lib/config";

describe("configuration from the environment", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it("runs a single node with embedded data when nothing is set", () => {
		for (const name of ["TRANSPORTER", "SERVICES", "MONGO_URI", "CACHER", "PORT", "NAMESPACE", "RATE_LIMIT"]) delete process.env[name];
		const cfg = loadConfig();
		expect(cfg).toMatchObject({ transporter: null, services: null, mongoUri: null, cacher: null, port: 3000, namespace: "shop" });
		expect(cfg.rateLimit).toBeGreaterThan(0);
	});

	it("reads a cluster node's settings", () => {
		Object.assign(process.env, { TRANSPORTER: "nats://127.0.0.1:4222", SERVICES: "orders, payments", RATE_LIMIT: "0", PORT: "8080" });
		expect(loadConfig()).toMatchObject({ transporter: "nats://127.0.0.1:4222", services: ["orders", "payments"], rateLimit: 0, port: 8080 });
	});

	it("refuses a number that is not one", () => {
		process.env.PORT = "eighty";
		expect(() => loadConfig()).toThrow(/PORT must be a whole number/);
	});
});
