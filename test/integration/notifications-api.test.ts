// Notifications: stored under their key, sent exactly once however often and however
// concurrently they are enqueued, retried while mail is down, and each shopper sees only their own.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import NotificationsService from "../../services/notifications/notifications.service";
import { call, type ParamsOf } from "../../lib/call";
import { MemoryMailer, type Letter } from "../../services/notifications/mailer";
import type { NotificationDoc } from "../../services/notifications/messages";
import { signToken } from "../../lib/tokens";
import type { Store } from "../../mixins/db.mixin";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

/** A mail server the test can take down or slow down; it remembers every message it accepted. */
class TestMailer extends MemoryMailer {
	down = false;
	delayMs = 0;
	override async send(letter: Letter): Promise<void> {
		if (this.delayMs) await new Promise(r => setTimeout(r, this.delayMs));
		if (this.down) throw new Error("connect ECONNREFUSED 127.0.0.1:25");
		await super.send(letter);
	}
}

const mailer = new TestMailer();
let clock = Date.parse("2030-05-01T08:00:00Z");

const TestNotifications = {
	name: "notifications",
	mixins: [NotificationsService as unknown as ServiceSchema],
	// Sweeps run by hand here; the timer stays out of the way.
	settings: { sweepIntervalMs: 3_600_000, sendWaitMs: 5_000 },
	methods: {
		now: () => clock,
		createMailer: () => mailer,
	},
} as ServiceSchema;

interface NotificationsInternals {
	adapter: Store<NotificationDoc>;
	settings: { sendWaitMs: number };
	sweep(opts?: { ignoreBackoff?: boolean }): Promise<number>;
}

const FACTS = { items: [{ name: "Mug", quantity: 2, unitPrice: 1999, lineTotal: 3998 }], subtotal: 3998, shippingCost: 500, total: 4498, currency: "USD" };
/** The subject notifications writes for an order's confirmation. */
const confirmedSubject = (orderId: string) => `Your order ${orderId.slice(0, 8).toUpperCase()} is confirmed`;

const ada = { id: "u-ada", email: "ada@example.com", role: "customer" as const };
const bob = { id: "u-bob", email: "bob@example.com", role: "customer" as const };
let seq = 0;

function message(user = ada, over: Partial<ParamsOf<"notifications.enqueue">> = {}): ParamsOf<"notifications.enqueue"> {
	const orderId = `order-${++seq}`;
	return {
		key: `${orderId}:order.confirmed`,
		type: "order.confirmed",
		orderId,
		userId: user.id,
		email: user.email,
		order: FACTS,
		...over,
	};
}

describe("notifications", () => {
	let broker: ServiceBroker;
	let api: string;
	const svc = () => broker.getLocalService("notifications") as unknown as NotificationsInternals;
	const enqueue = (params: ParamsOf<"notifications.enqueue">) => call(broker, "notifications.enqueue", params);
	const sentWith = (id: string) => mailer.sent.filter(l => l.id === id);

	beforeAll(async () => {
		broker = await startBroker([ApiService, TestNotifications] as ServiceSchema[]);
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());
	afterEach(() => {
		mailer.down = false;
		mailer.delayMs = 0;
	});

	describe("sending", () => {
		it("stores the message, sends it, and says when", async () => {
			const params = message();
			const result = await enqueue(params);
			const subject = confirmedSubject(params.orderId);
			expect(result).toEqual({ id: expect.any(String), type: "order.confirmed", orderId: params.orderId, subject, createdAt: new Date(clock).toISOString(), sentAt: new Date(clock).toISOString(), readAt: null });
			expect(sentWith(result.id)).toEqual([expect.objectContaining({ to: "ada@example.com", subject, text: expect.stringContaining("2 × Mug: 39.98 USD") })]);
			expect(sentWith(result.id)[0].raw).toMatch(new RegExp(`^Message-ID: <${result.id}@moleculer-shop>$`, "m"));
		});

		it("sends once when 20 enqueues of the same key arrive at the same time", async () => {
			mailer.delayMs = 20;
			const params = message();
			const results = await Promise.all(Array.from({ length: 20 }, () => enqueue(params)));
			expect(new Set(results.map(r => r.id)).size).toBe(1);
			expect(await svc().adapter.count({ query: { key: params.key } })).toBe(1);
			expect(sentWith(results[0].id)).toHaveLength(1);
		});

		it("never sends again when the same key comes back later", async () => {
			const params = message();
			const first = await enqueue(params);
			clock += 60_000;
			expect(await enqueue({ ...params, order: { ...params.order, total: 1 } })).toEqual(first);
			await svc().sweep({ ignoreBackoff: true });
			expect(sentWith(first.id)).toHaveLength(1);
		});

		it("words the message itself from the order's facts, each amount in its currency's own decimals", async () => {
			const params = message(ada, { order: { ...FACTS, items: [{ name: "Tea", quantity: 3, unitPrice: 500, lineTotal: 1500 }], subtotal: 1500, shippingCost: 700, total: 2200, currency: "JPY", shipment: { carrier: "UPS", trackingId: "1Z999" } } });
			const result = await enqueue(params);
			const [letter] = sentWith(result.id);
			expect(letter.subject).toBe(confirmedSubject(params.orderId));
			expect(letter.text).toContain("3 × Tea: 1500 JPY");
			expect(letter.text).toContain("Total: 2200 JPY (shipping 700 JPY)");
			expect(letter.text).toContain("tracking number 1Z999");
		});

		it("refuses facts that are not facts: a fractional amount, a line without a name", async () => {
			await expect(enqueue(message(ada, { order: { ...FACTS, total: 44.98 } }))).rejects.toMatchObject({ code: 422 });
			await expect(enqueue(message(ada, { order: { ...FACTS, items: [{ name: "", quantity: 1, unitPrice: 1, lineTotal: 1 }] } }))).rejects.toMatchObject({ code: 422 });
		});

		it("refuses a type it does not know and an address that is not one", async () => {
			await expect(enqueue(message(ada, { type: "order.lost" as never }))).rejects.toMatchObject({ code: 422 });
			await expect(enqueue(message(ada, { email: "not-an-address" }))).rejects.toMatchObject({ code: 422 });
		});
	});

	describe("while mail is down", () => {
		it("keeps the message (the caller's job is done) and sends it once when mail is back", async () => {
			mailer.down = true;
			const queued = await enqueue(message());
			expect(queued.sentAt).toBeNull();
			expect(await svc().adapter.findOne({ _id: queued.id })).toMatchObject({ attempts: 1, lastError: expect.stringContaining("ECONNREFUSED") });

			mailer.down = false;
			await svc().sweep();
			expect(sentWith(queued.id)).toHaveLength(0); // backing off: 1 s after the first failure

			clock += 1_000;
			expect(await svc().sweep()).toBeGreaterThanOrEqual(1);
			clock += 60_000;
			await svc().sweep({ ignoreBackoff: true });
			expect(sentWith(queued.id)).toHaveLength(1);
			expect((await svc().adapter.findOne({ _id: queued.id }))?.sentAt).toBe(new Date(clock - 60_000).toISOString());
		});

		it("answers soon when mail is slow, and the message still goes out once", async () => {
			mailer.delayMs = 1_000;
			svc().settings.sendWaitMs = 50;
			const started = Date.now();
			const queued = await enqueue(message()).finally(() => (svc().settings.sendWaitMs = 5_000));
			expect(Date.now() - started).toBeLessThan(900);
			expect(queued.sentAt).toBeNull();
			// A sweep while the first attempt is still talking to the server leaves it alone.
			await svc().sweep({ ignoreBackoff: true });
			const sentAt = async () => (await svc().adapter.findOne({ _id: queued.id }))?.sentAt;
			while (!(await sentAt()) && Date.now() - started < 5_000) await new Promise(r => setTimeout(r, 20));
			await svc().sweep({ ignoreBackoff: true });
			expect(await sentAt()).not.toBeNull();
			expect(sentWith(queued.id)).toHaveLength(1);
		});
	});

	describe("GET /api/notifications", () => {
		it("shows a shopper their own messages, newest first, and nobody else's", async () => {
			const mine = [message(ada), message(ada, { type: "order.shipped" })];
			const theirs = message(bob);
			for (const params of [mine[0], theirs, mine[1]]) {
				clock += 1_000;
				await enqueue({ ...params, key: `${params.orderId}:${params.type}` });
			}

			const res = await http.get(`${api}/notifications`, { token: signToken(ada) });
			expect(res.status).toBe(200);
			const recent = res.body.slice(0, 2);
			expect(recent).toEqual([
				{ id: expect.any(String), type: "order.shipped", orderId: mine[1].orderId, subject: `Your order ${mine[1].orderId.slice(0, 8).toUpperCase()} is on its way`, createdAt: new Date(clock).toISOString(), sentAt: expect.any(String), readAt: null },
				expect.objectContaining({ type: "order.confirmed", orderId: mine[0].orderId }),
			]);
			expect(res.body.map((n: { orderId: string }) => n.orderId)).not.toContain(theirs.orderId);
			const times = res.body.map((n: { createdAt: string }) => n.createdAt);
			expect(times).toEqual([...times].sort().reverse());

			const bobs = await http.get(`${api}/notifications`, { token: signToken(bob) });
			expect(bobs.body).toEqual([expect.objectContaining({ orderId: theirs.orderId })]);
		});

		it("shows no one's messages without signing in", async () => {
			expect((await http.get(`${api}/notifications`)).status).toBe(401);
		});

		it("takes ?limit= for the newest few", async () => {
			const res = await http.get(`${api}/notifications?limit=1`, { token: signToken(ada) });
			expect(res.status).toBe(200);
			expect(res.body).toHaveLength(1);
			expect((await http.get(`${api}/notifications?limit=0`, { token: signToken(ada) })).status).toBe(422);
		});

		it("has no route to send a message", async () => {
			const res = await http.post(`${api}/notifications`, message(ada), { token: signToken(ada) });
			expect(res.status).toBe(404);
		});
	});
});
