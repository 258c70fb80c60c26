// The outbox file keeps each message once even when a node dies between appending a message and
// marking it sent: the next attempt (the sweep, once the dead attempt's lease has run out) finds
// the message in the file and only marks it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import NotificationsService from "../../services/notifications/notifications.service";
import { call } from "../../lib/call";
import { MboxMailer } from "../../services/notifications/mailer";
import type { NotificationDoc } from "../../services/notifications/messages";
import type { Store } from "../../mixins/db.mixin";
import { startBroker } from "../support/broker";

interface NotificationsInternals {
	adapter: Store<NotificationDoc>;
	settings: { leaseMs: number };
	sweep(opts?: { ignoreBackoff?: boolean }): Promise<number>;
}

describe("the outbox file when a node dies after the append and before the mark", () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-mbox-crash-"));
	const file = path.join(dir, "outbox.mbox");
	const mailer = new MboxMailer(file);
	let clock = Date.parse("2030-05-01T08:00:00Z");
	let broker: ServiceBroker;
	const svc = () => broker.getLocalService("notifications") as unknown as NotificationsInternals;

	beforeAll(async () => {
		broker = await startBroker([
			{
				name: "notifications",
				mixins: [NotificationsService as unknown as ServiceSchema],
				settings: { sweepIntervalMs: 3_600_000, sendWaitMs: 5_000 },
				methods: { now: () => clock, createMailer: () => mailer },
			} as ServiceSchema,
		]);
	});
	afterAll(async () => {
		await broker.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it("appends the message once and marks it sent on the next attempt", async () => {
		// The "crash": the write that marks the message sent never happens (the first one is refused).
		const store = svc().adapter;
		const updateMany = store.updateMany.bind(store);
		let refused = 0;
		store.updateMany = async (query, update) => {
			if ((update as { $set?: { sentAt?: string } }).$set?.sentAt && refused++ === 0) throw new Error("the node died here");
			return updateMany(query, update);
		};

		const stored = await call(broker, "notifications.enqueue", {
			key: "order-1:order.confirmed",
			type: "order.confirmed",
			orderId: "order-1",
			userId: "u-ada",
			email: "ada@example.com",
			order: { items: [{ name: "Mug", quantity: 1, unitPrice: 999, lineTotal: 999 }], subtotal: 999, shippingCost: 0, total: 999, currency: "USD" },
		});
		expect(stored.sentAt).toBeNull();
		const copies = () => fs.readFileSync(file, "utf8").split(`Message-ID: <${stored.id}@moleculer-shop>`).length - 1;
		expect(copies()).toBe(1);

		// Before the dead attempt's lease runs out, nobody tries; after it, the sweep does.
		expect(await svc().sweep({ ignoreBackoff: true })).toBe(0);
		clock += svc().settings.leaseMs + 1;
		expect(await svc().sweep({ ignoreBackoff: true })).toBe(1);

		expect(copies()).toBe(1);
		const [after] = await call(broker, "notifications.list", { orderId: "order-1" }, { meta: { user: { id: "u-ada", email: "ada@example.com", role: "customer" } } });
		expect(after.sentAt).not.toBeNull();
	});
});
