// Writes cost the same after many orders as after a few. NeDB keeps the documents that share an
// index key in one array and scans it on every write to one of them: an index on a field most
// documents share (a settled state, "no expiry", `sentAt: null`) makes each write cost as many
// documents as share it (issue 13). So: no index of the checkout's stores gathers the orders
// under one key, and the notification sweep reads what is due, not what was sent or is waiting.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { call } from "../../lib/call";
import type { AuthUser } from "../../lib/meta";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import type { Store } from "../../mixins/db.mixin";
import type { NotificationDoc } from "../../services/notifications/messages";
import { MemoryMailer } from "../../services/notifications/mailer";
import { largestBuckets } from "../support/index-buckets";
import { startBroker } from "../support/broker";
import { waitFor } from "../support/poll";
import { everyService } from "../support/shop";
import { countReads } from "../support/store-reads";

const ADDRESS = { name: "Ada Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const admin: AuthUser = { id: "u-admin", email: "admin@example.com", role: "admin" };
const buyer = (i: number): AuthUser => ({ id: `u-${i}`, email: `buyer-${i}@example.com`, role: "customer" });
const ORDERS = 80;
const T0 = Date.parse("2030-05-01T09:00:00Z");
const clock = T0;

describe("the checkout's stores after many orders", () => {
	const mailer = new MemoryMailer();
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker(everyService({ notifications: { methods: { createMailer: () => mailer } } }) as ServiceSchema[]);
	});
	afterAll(() => broker.stop());

	it("keep no index key holding more than a few of them", async () => {
		const product = SEED_PRODUCTS[0];
		await call(broker, "inventory.set", { productId: product.id, onHand: ORDERS * 2 }, { meta: { user: admin } });
		for (let i = 0; i < ORDERS; i += 8) {
			await Promise.all(
				Array.from({ length: 8 }, async (_, j) => {
					const meta = { meta: { user: buyer(i + j) } };
					await call(broker, "cart.addItem", { productId: product.id, quantity: 1 }, meta);
					expect(await call(broker, "orders.checkout", { shippingAddress: ADDRESS, payment: CARD }, meta)).toMatchObject({ status: "confirmed" });
				}),
			);
		}
		await waitFor(async () => mailer.sent.length, n => n >= ORDERS, { what: "every confirmation sent" });

		const stores: Record<string, unknown> = {};
		for (const name of ["orders", "inventory", "payments", "shipping", "notifications"]) {
			const service = broker.getLocalService(name) as unknown as { stores: Record<string, unknown> };
			for (const [collection, store] of Object.entries(service.stores)) stores[`${name}.${collection}`] = store;
		}
		stores["cart.carts"] = (broker.getLocalService("cart") as unknown as { carts: { store: { db: unknown } } }).carts.store.db;
		const crowded: string[] = [];
		for (const [store, adapter] of Object.entries(stores)) {
			for (const [index, { key, size }] of Object.entries(largestBuckets(adapter))) if (size > 8) crowded.push(`${store}#${index}: ${size} under ${JSON.stringify(key)}`);
		}
		expect(crowded).toEqual([]);
	});
});

describe("the notification sweep", () => {
	let broker: ServiceBroker;
	const service = () => broker.getLocalService("notifications") as unknown as { adapter: Store<NotificationDoc>; sweep(): Promise<number> };
	const Notifications = everyService({ notifications: { methods: { createMailer: () => new MemoryMailer(), now: () => clock } } }).find(s => s.name === "notifications") as ServiceSchema;

	/** As sending leaves them: sent ones carry no `dueAt`; unsent ones back off to different times. */
	function stored(i: number, sent: boolean): NotificationDoc {
		const at = T0 + 60_000 + i;
		return {
			_id: `${sent ? "sent" : "waiting"}-${i}`,
			key: `${sent ? "sent" : "waiting"}-${i}:order.confirmed`,
			type: "order.confirmed",
			orderId: `o-${sent ? "s" : "w"}${i}`,
			userId: `u-${sent ? "s" : "w"}${i}`,
			email: `buyer-${i}@example.com`,
			subject: "Your order",
			text: "Thank you",
			createdAt: new Date(T0 - 1_000).toISOString(),
			sentAt: sent ? new Date(T0 - 500).toISOString() : null,
			attempts: 1,
			nextAttemptAt: sent ? T0 - 1_000 : at,
			...(sent ? {} : { dueAt: at }),
			leaseUntil: 0,
			lastError: sent ? null : "mail server down",
		};
	}

	beforeAll(async () => {
		broker = await startBroker([Notifications]);
		await service().adapter.insertMany(Array.from({ length: 10_000 }, (_, i) => stored(i, true)));
		await service().adapter.insertMany(Array.from({ length: 10_000 }, (_, i) => stored(i, false)));
	});
	afterAll(() => broker.stop());

	it("reads neither the 10,000 messages sent nor the 10,000 waiting for their time, and keeps them under no one key", async () => {
		// One whose time has come (its first attempt failed a minute ago): the one the sweep sends.
		await service().adapter.insert({ ...stored(0, false), _id: "due-1", key: "due-1", userId: "u-due", orderId: "o-due", nextAttemptAt: clock - 1, dueAt: clock - 1 });
		const counter = countReads(service().adapter);
		try {
			expect(await service().sweep()).toBe(1);
			expect(counter.reads.filter(id => id.startsWith("waiting-") || id.startsWith("sent-"))).toEqual([]);
			expect(counter.reads.length).toBeLessThan(10);
		} finally {
			counter.restore();
		}
		expect(await service().adapter.findOne({ _id: "due-1" })).toMatchObject({ sentAt: expect.any(String) });
		expect(await service().adapter.findOne({ _id: "due-1" })).not.toHaveProperty("dueAt");
		for (const [index, { size }] of Object.entries(largestBuckets(service().adapter))) expect(`${index}: ${size}`).toBe(`${index}: 1`);
	});

	it("finds, at start, unsent messages stored by an older version without `dueAt`", async () => {
		const { dueAt: _omit, ...legacy } = { ...stored(20_000, false), nextAttemptAt: clock - 1 };
		await service().adapter.insert(legacy as NotificationDoc);
		const s = service() as unknown as { backfillDueAt(): Promise<number> };
		expect(await s.backfillDueAt()).toBe(1);
		expect(await s.backfillDueAt()).toBe(0);
		expect(await service().adapter.findOne({ _id: legacy._id })).toMatchObject({ dueAt: clock - 1 });
	});
});
