// What a node publishes in one turn of the event loop reaches NATS in one socket write
// (lib/nats-batched-writes.ts). A node under load resumes many chains of awaits per turn, and
// nats.js alone wrote at each microtask checkpoint that had published something: a write (tens of
// µs of CPU here) for nearly every packet. Nothing may be lost or held past its turn for it.
import crypto from "node:crypto";
import net from "node:net";
import { connect, type NatsConnection } from "nats";
import type { ServiceBroker } from "moleculer";
import { writeOncePerTurn } from "../../lib/nats-batched-writes";
import { transporterOption } from "../../lib/transporter";
import { createBroker } from "../support/broker";
import { OwnNatsServer, sharedNatsUrl } from "../support/nats";

const natsUrl = () => sharedNatsUrl();
const natsPort = () => Number(new URL(natsUrl()).port || 4222);
/** The shop's own transporter option for that server (Moleculer's "NATS", as the shop registers it). */
const shopTransporter = () => transporterOption({ transporter: natsUrl(), transporterAuth: { user: null, password: null, token: null, tls: null } });

/**
 * Counts the writes carrying published messages (a buffer that starts with a PUB or HPUB command)
 * that this process makes to a NATS server's port (the shared one by default), on any socket.
 * A subscriber's own commands (SUB, UNSUB, PING) are not counted.
 */
function countWritesToNats(port = natsPort()): { readonly count: number; restore(): void } {
	const write = net.Socket.prototype.write;
	let count = 0;
	const spy = jest.spyOn(net.Socket.prototype, "write").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
		if (this.remotePort === port && isPublish(args[0])) count++;
		return (write as (...a: unknown[]) => boolean).apply(this, args);
	});
	return {
		get count() {
			return count;
		},
		restore: () => spy.mockRestore(),
	};
}

function isPublish(chunk: unknown): boolean {
	const head = typeof chunk === "string" ? chunk.slice(0, 5) : chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(5, chunk.byteLength)).toString("latin1") : "";
	return head.startsWith("PUB ") || head.startsWith("HPUB ");
}

/** Resolves after `depth` microtask checkpoints: a chain of awaits as deep as a handler's. */
async function afterAwaits(depth: number): Promise<void> {
	for (let i = 0; i < depth; i++) await null;
}

describe("a node's writes to NATS", () => {
	const namespace = `nats-writes-${crypto.randomBytes(4).toString("hex")}`;
	// No heartbeats during a test: only what the test publishes crosses the sockets.
	const quiet = { namespace, heartbeatInterval: 60, heartbeatTimeout: 120 };
	let sender: ServiceBroker;
	let receiver: ServiceBroker;
	const heard: number[] = [];
	let heardAll: () => void = () => undefined;

	beforeAll(async () => {
		const options = { ...quiet, transporter: shopTransporter() };
		receiver = createBroker(options);
		receiver.createService({
			name: "tally",
			events: {
				"tally.hit"(ctx) {
					heard.push((ctx.params as { i: number }).i);
					if (heard.length === 20) heardAll();
				},
			},
		});
		sender = createBroker(options);
		await Promise.all([receiver.start(), sender.start()]);
		await sender.waitForServices("tally", 5_000);
	});

	afterAll(async () => {
		await Promise.all([sender?.stop(), receiver?.stop()]);
	});

	it("are one write for what a turn of the event loop published at many microtask checkpoints", async () => {
		const all = new Promise<void>(resolve => (heardAll = resolve));
		const writes = countWritesToNats();
		try {
			// Twenty events emitted in one turn, each at its own depth of awaits, as the replies a
			// node reads at once resume their own handlers.
			await Promise.all(Array.from({ length: 20 }, (_, i) => afterAwaits(i * 3).then(() => sender.emit("tally.hit", { i }))));
			await all;
		} finally {
			writes.restore();
		}
		expect(heard.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
		// One write for the whole turn (nats.js alone made one for nearly every event).
		expect(writes.count).toBeLessThanOrEqual(2);
	});

	it("still say goodbye: the others hear a stopping node leave, not its silence", async () => {
		const leaver = createBroker({ ...quiet, transporter: shopTransporter() });
		const onBus = <T extends { node: { id: string } }>(event: string) =>
			new Promise<T>(resolve => {
				const listener = (payload: T) => {
					if (payload.node.id !== leaver.nodeID) return;
					receiver.localBus.off(event, listener);
					resolve(payload);
				};
				receiver.localBus.on(event, listener);
			});
		const joined = onBus("$node.connected");
		await leaver.start();
		await joined;
		const left = onBus<{ node: { id: string }; unexpected: boolean }>("$node.disconnected");
		await leaver.stop();
		// Heartbeats would take 120 s to notice: only the goodbye written as the node stopped can do it.
		await expect(left).resolves.toMatchObject({ unexpected: false });
	});
});

describe("writeOncePerTurn on a nats.js connection", () => {
	let nc: NatsConnection;
	beforeAll(async () => {
		nc = await connect({ servers: new URL(natsUrl()).host });
		expect(writeOncePerTurn(nc)).toBe(true);
	});
	afterAll(async () => {
		await nc?.close();
	});

	it("writes a buffer past nats.js's own limit at once, without waiting for the turn to end", () => {
		const writes = countWritesToNats();
		try {
			const big = new Uint8Array(40 * 1024);
			nc.publish(`writes-${crypto.randomBytes(3).toString("hex")}`, big);
			nc.publish(`writes-${crypto.randomBytes(3).toString("hex")}`, big);
			// Still inside the turn that published: the second publish took the buffer past nats.js's
			// limit (32 KiB), and both were written then, not at the end of the turn.
			expect(writes.count).toBeGreaterThanOrEqual(1);
		} finally {
			writes.restore();
		}
	});

	it("writes the rest of the turn's messages when the turn ends, in the order published", async () => {
		const subject = `writes-${crypto.randomBytes(3).toString("hex")}`;
		const reader = await connect({ servers: new URL(natsUrl()).host });
		try {
			const got: string[] = [];
			const sub = reader.subscribe(subject, { max: 3 });
			await reader.flush();
			const done = (async () => {
				for await (const m of sub) got.push(new TextDecoder().decode(m.data));
			})();
			nc.publish(subject, new TextEncoder().encode("a"));
			await null;
			nc.publish(subject, new TextEncoder().encode("b"));
			await afterAwaits(5);
			nc.publish(subject, new TextEncoder().encode("c"));
			await done;
			expect(got).toEqual(["a", "b", "c"]);
		} finally {
			await reader.close();
		}
	});

	it("says so when a connection is not shaped as nats 2.x's, and changes nothing", () => {
		expect(writeOncePerTurn({})).toBe(false);
		expect(writeOncePerTurn(null)).toBe(false);
	});
});

describe("writeOncePerTurn after NATS restarted", () => {
	// A NATS of this test's own, stopped and started again on the same port.
	let server: OwnNatsServer;
	let nc: NatsConnection;

	beforeAll(async () => {
		server = await OwnNatsServer.start();
		nc = await connect({ servers: new URL(server.url).host, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
		writeOncePerTurn(nc);
	});
	afterAll(async () => {
		await nc?.close();
		await server?.stop();
	});

	it("still writes once per turn on the socket a reconnect dialled", async () => {
		const reconnected = (async () => {
			for await (const status of nc.status()) if (status.type === "reconnect") return;
		})();
		await server.stop();
		await server.start();
		await reconnected;

		const subject = `writes-${crypto.randomBytes(3).toString("hex")}`;
		const reader = await connect({ servers: new URL(server.url).host });
		try {
			const sub = reader.subscribe(subject, { max: 20 });
			await reader.flush();
			const got: number[] = [];
			const done = (async () => {
				for await (const m of sub) got.push(Number(new TextDecoder().decode(m.data)));
			})();
			const writes = countWritesToNats(server.port);
			try {
				await Promise.all(Array.from({ length: 20 }, (_, i) => afterAwaits(i * 3).then(() => nc.publish(subject, new TextEncoder().encode(String(i))))));
				await done;
			} finally {
				writes.restore();
			}
			expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
			expect(writes.count).toBeLessThanOrEqual(2);
		} finally {
			await reader.close();
		}
	});
});
