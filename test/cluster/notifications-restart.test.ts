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
		outbox = path.join(cluster.dataDir, "mail", "notifications", "outbox");
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
	const files = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter(f => f.endsWith(".eml")).sort() : []);
	const fingerprint = (file: string) => {
		const stat = fs.statSync(path.join(outbox, file));
		return `${file}:${stat.ino}:${stat.mtimeMs}`;
	};

	it("sends what was stored while mail was down once after a kill -9, and never resends what was sent", async () => {
		// First life: the outbox folder works; three confirmations go out.
		const early = await Promise.all(["a1", "a2", "a3"].map(enqueue));
		expect(early.every(n => n.sentAt !== null)).toBe(true);
		expect(files()).toEqual(early.map(n => `${n.id}.eml`).sort());
		const earlyFiles = files().map(fingerprint);

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
		await cluster.waitFor(() => files().length >= 6, 20_000, "the three stored messages in the outbox");
		await Promise.all(["a1", "a2", "a3", "b1", "b2", "b3"].map(enqueue));

		// Fourth life: a restart sweeps again at once; nothing may go out twice.
		await cluster.restart("mail");
		const after = await list();
		await new Promise(r => setTimeout(r, 1_000));

		expect(files()).toEqual([...early, ...late].map(n => `${n.id}.eml`).sort());
		expect(files().filter(f => earlyFiles.some(e => e.startsWith(f))).map(fingerprint)).toEqual(earlyFiles);
		for (const n of late) expect(fs.readFileSync(path.join(outbox, `${n.id}.eml`), "utf8")).toMatch(new RegExp(`^Subject: Your order ${n.orderId.toUpperCase()} is confirmed$`, "m"));
		expect(after).toHaveLength(6);
		expect(after.every(n => n.sentAt !== null)).toBe(true);
		const sentAtOf = (id: string) => after.find(n => n.id === id)?.sentAt;
		for (const n of early) expect(sentAtOf(n.id)).toBe(n.sentAt);
		expect(await list()).toEqual(after);
	}, 90_000);
});
