import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../lib/config";
import { transporterOption } from "../../lib/transporter";

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

describe("the transporter's credentials", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});
	const clear = () => {
		for (const name of ["NATS_USER", "NATS_PASSWORD", "NATS_PASSWORD_FILE", "NATS_TOKEN", "NATS_TOKEN_FILE", "NATS_TLS", "NATS_TLS_CA_FILE", "NATS_TLS_CERT_FILE", "NATS_TLS_KEY_FILE"]) delete process.env[name];
	};

	it("in production, refuses to start on a transporter anyone can join, and says what to set", () => {
		clear();
		Object.assign(process.env, { NODE_ENV: "production", TRANSPORTER: "nats://nats:4222" });
		expect(() => loadConfig()).toThrow(/NODE_ENV=production refuses an unauthenticated transporter \(TRANSPORTER=nats:\/\/nats:4222\).*NATS_USER.*NATS_PASSWORD_FILE.*NATS_TOKEN/);
		process.env.TRANSPORTER = "tcp://10.0.0.1:6000";
		expect(() => loadConfig()).toThrow(/unauthenticated transporter/);
		process.env.TRANSPORTER = "TCP";
		expect(() => loadConfig()).toThrow(/unauthenticated transporter/);
	});

	it("in production, starts with credentials from the URL, the environment or a secret file", () => {
		clear();
		Object.assign(process.env, { NODE_ENV: "production", TRANSPORTER: "nats://shop:s3cret@nats:4222" });
		expect(loadConfig().transporter).toBe("nats://shop:s3cret@nats:4222");
		Object.assign(process.env, { TRANSPORTER: "nats://nats:4222", NATS_TOKEN: "t0ken" });
		expect(loadConfig().transporterAuth.token).toBe("t0ken");
		delete process.env.NATS_TOKEN;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-secret-"));
		fs.writeFileSync(path.join(dir, "password"), "from-a-file\n");
		Object.assign(process.env, { NATS_USER: "shop", NATS_PASSWORD_FILE: path.join(dir, "password") });
		expect(loadConfig().transporterAuth).toMatchObject({ user: "shop", password: "from-a-file", token: null, tls: null });
		fs.rmSync(dir, { recursive: true });
	});

	it("outside production, an open transporter is allowed (a laptop's NATS)", () => {
		clear();
		Object.assign(process.env, { NODE_ENV: "development", TRANSPORTER: "nats://127.0.0.1:4222" });
		expect(loadConfig().transporter).toBe("nats://127.0.0.1:4222");
	});

	it("reads the MongoDB URI, which holds a password, from a secret file", () => {
		clear();
		delete process.env.MONGO_URI;
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-secret-"));
		fs.writeFileSync(path.join(dir, "uri"), "mongodb://shop:pw@mongo:27017/?authSource=admin\n");
		process.env.MONGO_URI_FILE = path.join(dir, "uri");
		expect(loadConfig().mongoUri).toBe("mongodb://shop:pw@mongo:27017/?authSource=admin");
		fs.rmSync(dir, { recursive: true });
	});

	it("refuses a user without a password", () => {
		clear();
		process.env.NATS_USER = "shop";
		expect(() => loadConfig()).toThrow(/NATS_USER and NATS_PASSWORD/);
	});

	it("hands NATS its servers, the credentials and TLS apart (a URL's empty user never overrides NATS_USER)", () => {
		clear();
		Object.assign(process.env, { TRANSPORTER: "nats://a:4222,nats://b:4222", NATS_USER: "shop", NATS_PASSWORD: "pw", NATS_TLS_CA_FILE: "/run/ca.pem" });
		expect(transporterOption(loadConfig())).toEqual({ type: "NATS", options: { servers: ["a:4222", "b:4222"], user: "shop", pass: "pw", tls: { caFile: "/run/ca.pem" } } });
		clear();
		Object.assign(process.env, { TRANSPORTER: "nats://shop:p%40ss@nats:4222" });
		expect(transporterOption(loadConfig())).toEqual({ type: "NATS", options: { servers: ["nats:4222"], user: "shop", pass: "p@ss" } });
		Object.assign(process.env, { TRANSPORTER: "redis://:pw@redis:6379" });
		expect(transporterOption(loadConfig())).toBe("redis://:pw@redis:6379");
	});
});
