// Nodes join a NATS that demands credentials (a nats-server this test starts) with the
// transporter options lib/transporter.ts builds from the configuration; a process without them
// is turned away by the server.
import { spawnSync } from "node:child_process";
import path from "node:path";
import crypto from "node:crypto";
import { connect } from "nats";
import type { ServiceBroker } from "moleculer";
import type { TransporterAuth } from "../../lib/config";
import { projectRoot } from "../../lib/paths";
import { transporterOption } from "../../lib/transporter";
import { createBroker } from "../support/broker";
import { OwnNatsServer, sharedNatsUrl } from "../support/nats";

const NO_AUTH: TransporterAuth = { user: null, password: null, token: null, tls: null };

async function pair(url: string, auth: TransporterAuth): Promise<[ServiceBroker, ServiceBroker]> {
	const namespace = `nats-auth-${crypto.randomBytes(4).toString("hex")}`;
	const transporter = transporterOption({ transporter: url, transporterAuth: auth });
	const server = createBroker({ namespace, transporter });
	server.createService({ name: "echo", actions: { say: ctx => `heard ${(ctx.params as { word: string }).word}` } });
	const client = createBroker({ namespace, transporter });
	await Promise.all([server.start(), client.start()]);
	return [server, client];
}

describe.each([
	["a user and password", ["--user", "shop", "--pass", "pw-0123456789"], { ...NO_AUTH, user: "shop", password: "pw-0123456789" }],
	["a token", ["--auth", "tok-0123456789"], { ...NO_AUTH, token: "tok-0123456789" }],
])("NATS with %s", (_name, args, auth) => {
	let nats: OwnNatsServer;
	beforeAll(async () => (nats = await OwnNatsServer.start(args, 5_000)));
	afterAll(() => nats?.stop());

	it("turns away a process without credentials", async () => {
		await expect(connect({ servers: nats.url.replace("nats://", ""), reconnect: false, timeout: 2_000 })).rejects.toThrow(/authorization/i);
	});

	it("lets nodes with the configured credentials join and call each other", async () => {
		const [server, client] = await pair(nats.url, auth);
		try {
			await client.waitForServices("echo", 5_000);
			expect(await client.call("echo.say", { word: "hello" })).toBe("heard hello");
		} finally {
			await Promise.all([client.stop(), server.stop()]);
		}
	});
});

describe("a production node on a transporter without credentials", () => {
	it("refuses to start, and says what to set", () => {
		const runner = path.join(projectRoot, "node_modules", "moleculer", "bin", "moleculer-runner.js");
		const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", TRANSPORTER: sharedNatsUrl(), SERVICES: "currency", METRICS_PORT: "0", SERVICEDIR: path.join(projectRoot, "dist", "services") };
		for (const name of ["NATS_USER", "NATS_PASSWORD", "NATS_PASSWORD_FILE", "NATS_TOKEN", "NATS_TOKEN_FILE"]) delete env[name];
		const run = spawnSync(process.execPath, [runner, "--config", path.join(projectRoot, "dist", "moleculer.config.js")], { env, encoding: "utf8", timeout: 20_000 });
		expect(run.status).not.toBe(0);
		expect(run.stdout + run.stderr).toMatch(/NODE_ENV=production refuses an unauthenticated transporter.*NATS_USER/);
	});
});
