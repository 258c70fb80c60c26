// Every node's health endpoints (lib/node-http.ts, lib/node-health.ts) on a broker in this
// process: live as soon as the broker starts, ready only once every local service has started
// and every service that can tell says it is well; not ready again while stopping.
import net from "node:net";
import type { ServiceBroker } from "moleculer";
import { PORT_ATTEMPTS } from "../../lib/node-http";
import { NodeHttpMiddleware, nodeHttpPort } from "../../middlewares/node-http.middleware";
import { createBroker } from "../support/broker";
import { http } from "../support/http";
import { freePort } from "../support/nats";

/** A promise with its resolve, to hold a service in `started` until the test lets it go. */
function gate(): { promise: Promise<void>; open(): void } {
	let open = () => {};
	const promise = new Promise<void>(resolve => (open = resolve));
	return { promise, open };
}

describe("node health endpoints", () => {
	let broker: ServiceBroker;
	let base: string;
	let storeUp = true;
	const slowStart = gate();
	let starting: Promise<void>;

	beforeAll(async () => {
		const port = await freePort();
		broker = createBroker({ middlewares: [NodeHttpMiddleware({ port, host: "127.0.0.1" })] });
		broker.createService({ name: "slow", async started() { await slowStart.promise; } });
		broker.createService({ name: "stored", methods: { async healthy() { if (!storeUp) throw new Error("store unreachable"); return true; } } });
		broker.createService({ name: "plain" });
		starting = broker.start();
		// The server listens before the services start: poll until it answers.
		const deadline = Date.now() + 5_000;
		while (nodeHttpPort(broker) === null) {
			if (Date.now() > deadline) throw new Error("the node server never listened");
			await new Promise(r => setTimeout(r, 20));
		}
		base = `http://127.0.0.1:${nodeHttpPort(broker)}`;
	});
	afterAll(() => broker.stop());

	it("is live but not ready while its services are still starting", async () => {
		expect((await http.get(`${base}/health/live`)).status).toBe(200);
		const ready = await http.get(`${base}/health/ready`);
		expect(ready.status).toBe(503);
		expect(ready.body).toMatchObject({ status: "not ready", checks: { broker: "starting" } });
	});

	it("is ready once every service has started and says it is well", async () => {
		slowStart.open();
		await starting;
		const ready = await http.get(`${base}/health/ready`);
		expect(ready.status).toBe(200);
		expect(ready.body).toMatchObject({ status: "ready", checks: { broker: "ok", "service:stored": "ok", "service:plain": "ok" } });
	});

	it("is not ready while a service's own check fails, and names it", async () => {
		storeUp = false;
		const ready = await http.get(`${base}/health/ready`);
		expect(ready.status).toBe(503);
		expect(ready.body.checks["service:stored"]).toBe("unhealthy: store unreachable");
		expect((await http.get(`${base}/health/live`)).status).toBe(200);
		storeUp = true;
		expect((await http.get(`${base}/health/ready`)).status).toBe(200);
	});

	it("serves metrics only where metrics are on, and nothing else", async () => {
		expect((await http.get(`${base}/metrics`)).status).toBe(404);
		expect((await http.get(`${base}/elsewhere`)).status).toBe(404);
		expect((await http.post(`${base}/health/ready`, {})).status).toBe(405);
	});
});

describe("a node whose transporter is down", () => {
	it("is not ready", async () => {
		const port = await freePort();
		const broker = createBroker({ transporter: "Fake", middlewares: [NodeHttpMiddleware({ port, host: "127.0.0.1" })] });
		await broker.start();
		try {
			const base = `http://127.0.0.1:${port}`;
			expect((await http.get(`${base}/health/ready`)).body).toMatchObject({ status: "ready", checks: { transporter: "ok" } });
			await broker.transit!.tx.disconnect();
			broker.transit!.connected = false;
			const ready = await http.get(`${base}/health/ready`);
			expect(ready.status).toBe(503);
			expect(ready.body.checks.transporter).toBe("disconnected");
		} finally {
			await broker.stop();
		}
	});
});

describe("a node stopping", () => {
	it("is not ready from the moment it starts stopping", async () => {
		const port = await freePort();
		const hold = gate();
		const broker = createBroker({ middlewares: [NodeHttpMiddleware({ port, host: "127.0.0.1" })] });
		broker.createService({ name: "draining", async stopped() { await hold.promise; } });
		await broker.start();
		const base = `http://127.0.0.1:${port}`;
		expect((await http.get(`${base}/health/ready`)).status).toBe(200);
		const stopping = broker.stop();
		try {
			const ready = await http.get(`${base}/health/ready`);
			expect(ready.status).toBe(503);
			expect(ready.body.checks.broker).toBe("stopping");
		} finally {
			hold.open();
			await stopping;
		}
	});
});

describe("a node that finds every port it may try taken", () => {
	/** Holds PORT_ATTEMPTS consecutive ports from a free range, as other processes would. */
	async function occupyRange(): Promise<{ first: number; close(): Promise<void> }> {
		for (let tries = 0; tries < 20; tries++) {
			const first = 20_000 + Math.floor(Math.random() * 30_000);
			const held: net.Server[] = [];
			try {
				for (let port = first; port < first + PORT_ATTEMPTS; port++) {
					const server = net.createServer();
					await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve()));
					held.push(server);
				}
				return { first, close: () => Promise.all(held.map(s => new Promise<void>(r => s.close(() => r())))).then(() => undefined) };
			} catch {
				await Promise.all(held.map(s => new Promise<void>(r => s.close(() => r()))));
			}
		}
		throw new Error("no free range of ports found");
	}

	it("runs on without metrics and health endpoints, and says so", async () => {
		const range = await occupyRange();
		const warnings: string[] = [];
		const broker = createBroker({ middlewares: [NodeHttpMiddleware({ port: range.first, host: "127.0.0.1" })] });
		// What the node says about its server, caught here.
		const original = broker.getLogger;
		broker.getLogger = ((mod: string, props?: object) => {
			const logger = original.call(broker, mod, props);
			if (mod === "node-http") logger.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
			return logger;
		}) as typeof broker.getLogger;
		broker.createService({ name: "plain", actions: { ping: () => "pong" } });
		try {
			await broker.start();
			expect(await broker.call("plain.ping")).toBe("pong");
			expect(nodeHttpPort(broker)).toBeNull();
			expect(warnings.join("\n")).toMatch(new RegExp(`Ports ${range.first}–${range.first + PORT_ATTEMPTS - 1} are all in use: this node runs on without metrics and health endpoints`));
		} finally {
			await broker.stop();
			await range.close();
		}
	});
});
