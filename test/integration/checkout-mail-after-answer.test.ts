// The confirmation e-mail is rendered and sent after the checkout has answered: the shopper waits
// for their order to be stored and the message to be stored in notifications' outbox, never for
// the mail itself. The message still goes out exactly once.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { call } from "../../lib/call";
import type { AuthUser } from "../../lib/meta";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { MemoryMailer, type Letter } from "../../services/notifications/mailer";
import type { NotificationDoc } from "../../services/notifications/messages";
import type { Store } from "../../mixins/db.mixin";
import { startBroker } from "../support/broker";
import { waitFor } from "../support/poll";
import { everyService } from "../support/shop";

/** A mail server that takes every message only once the test lets it. */
class HeldMailer extends MemoryMailer {
	asked = 0;
	private open!: () => void;
	private gate = new Promise<void>(resolve => (this.open = resolve));
	release(): void {
		this.open();
	}
	override async send(letter: Letter): Promise<void> {
		this.asked++;
		await this.gate;
		await super.send(letter);
	}
}

const ADDRESS = { name: "Ada Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const ada: AuthUser = { id: "u-ada", email: "ada@example.com", role: "customer" };
const P = SEED_PRODUCTS.filter(p => p.initialStock >= 5)[0];
/** Longer than the test's guard: any wait for the mail would show as a checkout that does not answer. */
const LONG_MS = 30_000;

describe("checkout and its confirmation e-mail", () => {
	const mailer = new HeldMailer();
	let broker: ServiceBroker;
	const notifications = () => broker.getLocalService("notifications") as unknown as { adapter: Store<NotificationDoc>; sweep(opts?: { ignoreBackoff?: boolean }): Promise<number> };

	beforeAll(async () => {
		broker = await startBroker(
			everyService({
				notifications: { settings: { sendWaitMs: LONG_MS }, methods: { createMailer: () => mailer } },
				orders: { settings: { settleWaitMs: LONG_MS, relayTimeoutMs: LONG_MS } },
			}) as ServiceSchema[],
		);
	});
	afterAll(async () => {
		mailer.release();
		await broker.stop();
	});

	it("answers once the message is stored, sends it after, and only once", async () => {
		await call(broker, "cart.addItem", { productId: P.id, quantity: 1 }, { meta: { user: ada } });
		const checkout = call(broker, "orders.checkout", { shippingAddress: ADDRESS, payment: CARD }, { meta: { user: ada } });
		const guard = new Promise<"still waiting">(resolve => setTimeout(() => resolve("still waiting"), 5_000).unref());
		const order = await Promise.race([checkout, guard]);
		if (order === "still waiting") throw new Error("The checkout waited for its confirmation e-mail");
		expect(order.status).toBe("confirmed");

		// Answered with the mail still held: the message is stored, not sent.
		const stored = await notifications().adapter.findOne({ key: `${order.id}:order.confirmed` });
		expect(stored).toMatchObject({ orderId: order.id, sentAt: null });
		expect(mailer.sent).toHaveLength(0);

		mailer.release();
		const sent = await waitFor(
			() => notifications().adapter.findOne({ _id: stored!._id }),
			doc => !!doc?.sentAt,
			{ what: "the confirmation marked sent" },
		);
		await notifications().sweep({ ignoreBackoff: true });
		expect(mailer.sent.filter(l => l.id === sent!._id)).toEqual([expect.objectContaining({ to: ada.email, subject: expect.stringContaining(order.id.slice(0, 8).toUpperCase()) })]);
		expect(mailer.asked).toBe(1);
	});
});
