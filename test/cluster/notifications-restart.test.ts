// Notifications as a real process with a real DATA_DIR: messages that could not go out survive a
// kill -9 and go out after the restart, each written to the outbox exactly once, and messages
// already sent are never sent again, however often the node restarts or the keys come back.
import fs from "node:fs";
import path from "node:path";
import { TestCluster } from "../support/cluster";
import { freePort } from "../support/nats";
import type { Notification } from "../../services/notifications/notifications.contract";

const user = { id: "u-ada", email: "ada@example.com", role: "customer" as const };

describe("notifications across restarts (separate process on NATS)", () => {
	const cluster = new TestCluster();
	const env: Record<string, string> = {};
	let outbox: string;

	beforeAll(async () => {
		await cluster.start();
		await cluster.startNode("mail", { services: ["notifications"], env });
		outbox = path.join(cluster.dataDir, "mail", "notifications", "outbox.mbox");
	}, 60_000);
	afterAll(() => cluster.stop());

	const enqueue = (orderId: string): Promise<Notification> =>
		cluster.observer.call("notifications.enqueue", {
			key: `${orderId}:order.confirmed`,
			type: "order.confirmed",
			orderId,
			userId: user.id,
			email: user.email,
			order: { items: [{ name: "Mug", quantity: 1, unitPrice: 999, lineTotal: 999 }], subtotal: 999, shippingCost: 0, total: 999, currency: "USD" },
		});
	const list = (): Promise<Notification[]> => cluster.observer.call("notifications.list", {}, { meta: { user } });
	const mbox = () => (fs.existsSync(outbox) ? fs.readFileSync(outbox, "utf8") : "");
	/** The notification ids in the outbox, in the order they were appended (a repeat shows twice). */
	const sentIds = () => [...mbox().matchAll(/^Message-ID: <([^@>]+)@moleculer-shop>$/gm)].map(m => m[1]);
	const entryOf = (id: string) => mbox().split(/^(?=From \S+ )/m).find(e => e.includes(`<${id}@moleculer-shop>`)) ?? "";
	const sorted = (ids: string[]) => [...ids].sort();

	it("sends what was stored while mail was down once after a kill -9, and never resends what was sent", async () => {
		// First life: the outbox file works; three confirmations go out.
		const early = await Promise.all(["a1", "a2", "a3"].map(enqueue));
		expect(early.every(n => n.sentAt !== null)).toBe(true);
		expect(sorted(sentIds())).toEqual(sorted(early.map(n => n.id)));
		const earlyBytes = mbox();

		// Second life: mail is down (SMTP to a port nobody listens on). Three more are only stored.
		env.SMTP_URL = `smtp://127.0.0.1:${await freePort()}`;
		await cluster.restart("mail");
		const late = await Promise.all(["b1", "b2", "b3"].map(enqueue));
		expect(late.map(n => n.sentAt)).toEqual([null, null, null]);
		expect(await enqueue("a1")).toEqual(early[0]);
		cluster.kill("mail");

		// Third life: mail works again. The stored three go out, once each; the early three stay as they were.
		delete env.SMTP_URL;
		await cluster.restart("mail");
		await cluster.waitFor(() => sentIds().length >= 6, 20_000, "the three stored messages in the outbox");
		await Promise.all(["a1", "a2", "a3", "b1", "b2", "b3"].map(enqueue));

		// Fourth life: a restart sweeps again at once; nothing may go out twice.
		await cluster.restart("mail");
		const after = await list();
		await new Promise(r => setTimeout(r, 1_000));

		expect(sorted(sentIds())).toEqual(sorted([...early, ...late].map(n => n.id)));
		expect(mbox().startsWith(earlyBytes)).toBe(true);
		for (const n of late) expect(entryOf(n.id)).toMatch(new RegExp(`^Subject: Your order ${n.orderId.toUpperCase()} is confirmed$`, "m"));
		expect(after).toHaveLength(6);
		expect(after.every(n => n.sentAt !== null)).toBe(true);
		const sentAtOf = (id: string) => after.find(n => n.id === id)?.sentAt;
		for (const n of early) expect(sentAtOf(n.id)).toBe(n.sentAt);
		expect(await list()).toEqual(after);
	}, 90_000);
});
