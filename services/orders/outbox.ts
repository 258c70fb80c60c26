// Relays each order's outbox to the services it addresses until each message is acknowledged.
// Receivers are idempotent per message key, so a message relayed twice (two instances, a crash
// between sending and marking) still takes effect once; one never acknowledged is sent again.
import type { Errors, Logger } from "moleculer";
import { isUnreachable } from "../../lib/errors";
import { factsOf } from "./messages";
import type { OrderDoc, OutboxMessage } from "./model";
import type { OrderRepo } from "./repo";
import type { Invoke } from "./saga";

/** How long a cart whose lines have left it may wait for the order's other messages, to be freed in the same write. */
const CART_GRACE_MS = 100;

export class OutboxRelay {
	/** Orders this instance is relaying right now: the sweep and a request never do one twice at once. */
	private readonly busy = new Set<string>();

	constructor(
		private readonly repo: OrderRepo,
		private readonly timeoutMs: number,
		/** How long to wait before trying an order's undelivered messages again. */
		private readonly retryMs: number,
		private readonly logger: Logger,
	) {}

	/** Sends what is due on one order. True when nothing is left to send. */
	async relay(doc: OrderDoc, invoke: Invoke): Promise<boolean> {
		if (!doc.outboxDue || this.busy.has(doc._id)) return !doc.outboxDue;
		this.busy.add(doc._id);
		try {
			const due = doc.outbox.filter(m => !doc.outboxSent.includes(m.key));
			const settling = due.map(m => this.settle(doc, m, invoke));
			const all = Promise.allSettled(settling);
			const cart = due.findIndex(m => m.kind === "removeOrdered");
			const freeing = cart < 0 ? null : settling[cart].then(() => this.freeCartUnlessSoon(doc, due[cart].key, all), () => undefined);
			const results = await all;
			await freeing;
			const sent = due.filter((_, i) => results[i].status === "fulfilled").map(m => m.key);
			// Frees the cart too if its message is among `sent` (repo.ts).
			await this.repo.outboxDelivered(doc, sent, sent.length === due.length, this.repo.now() + this.retryMs);
			return !doc.outboxDue;
		} finally {
			this.busy.delete(doc._id);
		}
	}

	/** Delivers one message, or gives up on one its receiver refuses; rejects when it is to be tried again. */
	private async settle(doc: OrderDoc, m: OutboxMessage, invoke: Invoke): Promise<void> {
		try {
			await this.deliver(doc, m, invoke);
		} catch (err) {
			if (!isInvalid(err)) {
				this.logger.debug(`Order ${doc._id}: outbox message ${m.key} not delivered yet:`, (err as Error).message);
				throw err;
			}
			// A 422 will be the same answer every time: retrying it forever would only crowd out
			// the messages that can go. It is logged for a person to look at.
			this.logger.error(`Order ${doc._id}: outbox message ${m.key} refused, giving up:`, (err as Error).message);
		}
	}

	/**
	 * The bought lines are out of the cart: it is the shopper's again within CART_GRACE_MS, not once
	 * the other messages (a confirmation to a mail service that is slow) have gone too. Usually they settle a
	 * moment later, and the one write that records them frees the cart as well (one write fewer);
	 * only if they keep it waiting is the cart freed on its own. A crash before either write
	 * leaves the message unacknowledged: the sweep sends it again (the cart takes each key once)
	 * and frees the cart then.
	 */
	private async freeCartUnlessSoon(doc: OrderDoc, key: string, others: Promise<unknown>): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const soon = await Promise.race([others.then(() => true), new Promise<boolean>(resolve => (timer = setTimeout(resolve, CART_GRACE_MS, false)))]);
		clearTimeout(timer);
		if (!soon) await this.repo.cartCleared(doc, key);
	}

	private async deliver(doc: OrderDoc, m: OutboxMessage, invoke: Invoke): Promise<void> {
		const opts = { timeout: this.timeoutMs, retries: 0 };
		switch (m.kind) {
			case "notify":
				// Delivered once stored: the e-mail is rendered and sent after the shopper has their answer.
				await invoke("notifications.enqueue", { key: m.key, type: m.type, orderId: doc._id, userId: doc.userId, email: doc.email, order: factsOf(doc), waitForSend: false }, opts);
				return;
			case "removeOrdered": {
				const lines = doc.items.map(i => ({ productId: i.productId, quantity: i.quantity }));
				await invoke("cart.removeOrdered", { userId: doc.userId, key: m.key, lines }, opts);
				return;
			}
		}
	}
}

/**
 * The receiver refused the message itself (422). Any other answer may change: a 409 (a cart busy
 * with other writes) or a 429 passes, and an unreachable receiver comes back; those are retried.
 */
function isInvalid(err: unknown): boolean {
	return (err as Errors.MoleculerError)?.code === 422 && !isUnreachable(err);
}
