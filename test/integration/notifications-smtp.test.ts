// With SMTP_URL set, messages go to a real SMTP conversation: here a small server in the test,
// which is down at first and comes up later, as a mail relay does after maintenance.
import net from "node:net";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import NotificationsService from "../../services/notifications/notifications.service";
import { call } from "../../lib/call";
import { freePort } from "../support/nats";
import { startBroker } from "../support/broker";

/** Just enough SMTP (RFC 5321) to accept messages, keeping each one's DATA. */
function smtpServer(port: number): Promise<{ messages: string[]; close(): Promise<void> }> {
	const messages: string[] = [];
	const server = net.createServer(socket => {
		let buffer = "";
		let body: string[] | null = null;
		socket.write("220 test-relay ESMTP\r\n");
		socket.on("data", chunk => {
			buffer += chunk.toString("utf8");
			for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (body) {
					if (line === ".") {
						messages.push(body.join("\n"));
						body = null;
						socket.write("250 2.0.0 queued\r\n");
					} else body.push(line.startsWith("..") ? line.slice(1) : line);
					continue;
				}
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === "EHLO" || verb === "HELO") socket.write("250 test-relay\r\n");
				else if (verb === "DATA") {
					body = [];
					socket.write("354 end with .\r\n");
				} else if (verb === "QUIT") socket.end("221 bye\r\n");
				else socket.write("250 OK\r\n");
			}
		});
		socket.on("error", () => undefined);
	});
	return new Promise(resolve =>
		server.listen(port, "127.0.0.1", () => resolve({ messages, close: () => new Promise(r => server.close(() => r())) })),
	);
}

describe("notifications over SMTP", () => {
	let broker: ServiceBroker;
	let port: number;
	let clock = Date.parse("2030-05-01T08:00:00Z");
	const sweep = () => (broker.getLocalService("notifications") as unknown as { sweep(): Promise<number> }).sweep();

	beforeAll(async () => {
		port = await freePort();
		broker = await startBroker([
			{
				name: "notifications",
				mixins: [NotificationsService as unknown as ServiceSchema],
				settings: { smtpUrl: `smtp://127.0.0.1:${port}`, from: "Shop <shop@example.com>", sweepIntervalMs: 3_600_000 },
				methods: { now: () => clock },
			} as ServiceSchema,
		]);
	});
	afterAll(() => broker.stop());

	it("keeps messages while the relay is down and delivers each once when it is back", async () => {
		const enqueue = (n: number) =>
			call(broker, "notifications.enqueue", {
				key: `o${n}:order.confirmed`,
				type: "order.confirmed",
				orderId: `o${n}`,
				userId: "u1",
				email: "ada@example.com",
				order: { items: [{ name: "Mug", quantity: 1, unitPrice: 999, lineTotal: 999 }], subtotal: 999, shippingCost: 0, total: 999, currency: "USD" },
			});
		const queued = [await enqueue(1), await enqueue(2)];
		expect(queued.map(n => n.sentAt)).toEqual([null, null]);

		const relay = await smtpServer(port);
		try {
			clock += 60_000;
			await sweep();
			await enqueue(1);
			clock += 60_000;
			await sweep();
			expect(relay.messages).toHaveLength(2);
			expect(relay.messages[0]).toMatch(/^Subject: Your order O1 is confirmed$/m);
			expect(relay.messages[0]).toMatch(/^From: Shop <shop@example\.com>$/m);
			expect(relay.messages[0]).toMatch(new RegExp(`^Message-ID: <${queued[0].id}@moleculer-shop>$`, "m"));
			expect(relay.messages[1]).toMatch(/^Subject: Your order O2 is confirmed$/m);
		} finally {
			await relay.close();
		}
	});
});
