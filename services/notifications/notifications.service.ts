// services/notifications/notifications.service.ts — messages to shoppers about their orders.
// Each message is stored under its caller's key before it is sent, sent by whoever holds its
// lease, and marked sent once; a periodic sweep sends what could not go out (mail down, a node
// restarted), so nothing is lost and nothing goes out twice.
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../../lib/config";
import { implement } from "../../lib/contract";
import { UnauthorizedError } from "../../lib/errors";
import { within } from "../../lib/time";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { DbMixin, type Filter, type Store } from "../../mixins/db.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { createMailer, type Letter, type Mailer } from "./mailer";
import { retryDelayMs, toNotification, unreadOf, type NotificationDoc } from "./messages";
import { idempotentRead } from "../../lib/read-policy";
import { NotificationsContract } from "./notifications.contract";
import { render } from "./texts";
import { countShop } from "../../lib/shop-metrics";

interface NotificationsSettings extends ServiceSettingSchema {
	/** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587; unset: DATA_DIR/notifications/outbox.mbox. */
	smtpUrl: string | null;
	/** MAIL_FROM: the sender of every message. */
	from: string;
	dataDir: string;
	/** How often unsent messages are looked for. */
	sweepIntervalMs: number;
	/** How long a sender may hold a message; longer than the slowest SMTP attempt can take. */
	leaseMs: number;
	/** How long enqueue waits for the first attempt before answering, unless told not to (the message is stored either way). */
	sendWaitMs: number;
}

interface NotificationsMethods extends ClockMethods {
	createMailer(): Mailer;
	deliver(doc: NotificationDoc, first?: FirstAttempt): Promise<Attempt>;
	sendSoon(doc: NotificationDoc, first?: FirstAttempt): Promise<void>;
	sweep(opts?: { ignoreBackoff?: boolean }): Promise<number>;
	sendDue(ignoreBackoff: boolean): Promise<number>;
	backfillDueAt(): Promise<number>;
}

interface NotificationsVars {
	adapter: Store<NotificationDoc>;
	mailer: Mailer;
	sweeping: Promise<number> | null;
	/** First attempts started by enqueue and not yet done: stopping waits for them. */
	sending: Set<Promise<void>>;
}

type NotificationsThis = Service<NotificationsSettings> & NotificationsMethods & NotificationsVars;

const SWEEP_BATCH = 100;

/**
 * The attempt enqueue makes right after storing a message: it holds the lease it stored the
 * message with (no write to take one), and no earlier attempt can have handed the message over.
 */
interface FirstAttempt {
	leaseUntil: number;
}

/** What one attempt did: sent it, failed to (mail is down), or left it (already sent, or another sender holds it). */
type Attempt = "sent" | "failed" | "skipped";

const NotificationsService: ServiceSchema<NotificationsSettings, NotificationsMethods, NotificationsVars> = {
	name: NotificationsContract.name,
	mixins: [
		DbMixin("notifications", {
			// The sweep's is `dueAt` (see NotificationDoc): only unsent messages carry it.
			indexes: [{ fields: ["key"], unique: true }, { fields: ["userId"] }, { fields: ["orderId"] }, { fields: ["dueAt"], sparse: true }],
		}),
		Clock,
		PeriodicWork<NotificationsSettings>({ name: "sweep", every: s => s.sweepIntervalMs, run: "sweep" }),
	],

	settings: {
		smtpUrl: config.smtpUrl,
		from: config.mailFrom,
		dataDir: config.dataDir,
		sweepIntervalMs: 5_000,
		leaseMs: 60_000,
		sendWaitMs: 1_000,
		// The SMTP URL may carry a password.
		$secureSettings: ["smtpUrl"],
	},

	actions: implement<NotificationsThis>()(NotificationsContract, {
		/** GET /api/notifications: the caller's own, newest first; an admin may ask for any order's. */
		list: {
			auth: "user",
			async handler(ctx) {
				const user = ctx.meta.user;
				if (!user) throw new UnauthorizedError();
				const { orderId, limit = 100 } = ctx.params;
				// An admin looking after an order reads what its buyer was told; anyone else, their own.
				const query: Filter = orderId && user.role === "admin" ? { orderId } : { userId: user.id, ...(orderId ? { orderId } : {}) };
				const docs = await this.adapter.find({ query, sort: ["-createdAt"], limit });
				return docs.map(toNotification);
			},
		},

		unread: {
			...idempotentRead(), // Safe to repeat elsewhere: counts the caller's unseen messages.
			auth: "user",
			async handler(ctx) {
				const user = ctx.meta.user;
				if (!user) throw new UnauthorizedError();
				return { unread: await this.adapter.count({ query: unreadOf(user.id) }) };
			},
		},

		markRead: {
			auth: "user",
			async handler(ctx) {
				const user = ctx.meta.user;
				if (!user) throw new UnauthorizedError();
				const upTo = (ctx.params.upTo ?? new Date(this.now())).toISOString();
				await this.adapter.updateMany({ ...unreadOf(user.id), createdAt: { $lte: upTo } }, { $set: { readAt: new Date(this.now()).toISOString() } });
				return { unread: await this.adapter.count({ query: unreadOf(user.id) }) };
			},
		},

		/** Store, then send; idempotent per key, so a retry of a call that timed out is harmless. */
		enqueue: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				const now = this.now();
				const { key, type, orderId, userId, email, order, waitForSend = true } = ctx.params;
				let doc: NotificationDoc = {
					_id: crypto.randomUUID(),
					key,
					type,
					orderId,
					userId,
					email,
					// Worded once, when first stored: a repeat of the key sends what was stored.
					...render(type, orderId, order),
					createdAt: new Date(now).toISOString(),
					sentAt: null,
					attempts: 0,
					nextAttemptAt: now,
					dueAt: now,
					// Stored leased to this attempt: the sweep leaves it alone until the lease runs out.
					leaseUntil: now + this.settings.leaseMs,
					lastError: null,
				};
				let first: FirstAttempt | undefined = { leaseUntil: doc.leaseUntil };
				try {
					await this.adapter.insert(doc);
				} catch (err) {
					// The unique key: this message is already stored (a repeat); the stored one stands.
					const stored = await this.adapter.findOne({ key: doc.key });
					if (!stored) throw err;
					doc = stored;
					first = undefined;
				}
				if (doc.sentAt) return toNotification(doc);
				// The message is stored: the attempt (or the sweeper) finishes the job. Rendering and
				// writing it cost more than storing it, so a caller that need not know waits for neither.
				const attempt = this.sendSoon(doc, first);
				if (!waitForSend) return toNotification(doc);
				// Answer soon even when the mail server is slow.
				await within(attempt, this.settings.sendWaitMs);
				return toNotification((await this.adapter.findOne({ _id: doc._id })) ?? doc);
			},
		},
	}),

	methods: {
		/** Where messages go (SMTP, outbox files, memory). Tests replace it to play a mail server that is down. */
		createMailer(): Mailer {
			return createMailer({ smtpUrl: this.settings.smtpUrl, dataDir: this.settings.dataDir });
		},

		/**
		 * One attempt to send a stored message. Only the holder of the
		 * lease sends (a conditional update takes it, unless it was stored with it), and sentAt is
		 * set only while it is null: two concurrent attempts cannot both send, and a sent message is
		 * never sent again. Any attempt but the first tells the mailer the message may be there.
		 */
		async deliver(doc: NotificationDoc, first?: FirstAttempt): Promise<Attempt> {
			const now = this.now();
			const leaseUntil = first?.leaseUntil ?? now + this.settings.leaseMs;
			if (!first) {
				const taken = await this.adapter.updateMany({ _id: doc._id, sentAt: null, leaseUntil: { $lte: now } }, { $set: { leaseUntil } });
				if (taken !== 1) return "skipped";
			}

			const letter: Letter = { id: doc._id, from: this.settings.from, to: doc.email, subject: doc.subject, text: doc.text, date: new Date(doc.createdAt) };
			try {
				await this.mailer.send(letter, { retry: !first });
			} catch (err) {
				const attempts = doc.attempts + 1;
				const message = (err as Error).message;
				await this.adapter.updateMany(
					{ _id: doc._id, sentAt: null, leaseUntil },
					{ $set: { leaseUntil: 0, lastError: message, nextAttemptAt: now + retryDelayMs(attempts), dueAt: now + retryDelayMs(attempts) }, $inc: { attempts: 1 } },
				);
				this.logger.warn(`Could not send ${doc.type} of order ${doc.orderId} (attempt ${attempts}); will try again: ${message}`);
				countShop(this.broker, "shop.notifications.retried.total", { type: doc.type });
				return "failed";
			}
			const sentAt = new Date(this.now()).toISOString();
			await this.adapter.updateMany({ _id: doc._id, sentAt: null }, { $set: { sentAt, leaseUntil: 0, lastError: null }, $unset: { dueAt: true }, $inc: { attempts: 1 } });
			this.logger.info(`Sent ${doc.type} of order ${doc.orderId} by ${this.mailer.kind}`);
			countShop(this.broker, "shop.notifications.sent.total", { type: doc.type });
			return "sent";
		},

		/** A first attempt in the background, tracked so that stopping the service waits for it. */
		sendSoon(doc: NotificationDoc, first?: FirstAttempt): Promise<void> {
			const attempt = this.deliver(doc, first).then(
				() => undefined,
				err => this.logger.warn(`Sending notification ${doc._id} failed: ${(err as Error).message}`),
			);
			this.sending.add(attempt);
			void attempt.finally(() => this.sending.delete(attempt));
			return attempt;
		},

		/** One pass over unsent messages; a second caller during a pass shares it. Resolves to the number sent. */
		sweep(opts: { ignoreBackoff?: boolean } = {}): Promise<number> {
			if (!this.sweeping) {
				this.sweeping = this.sendDue(opts.ignoreBackoff ?? false).finally(() => {
					this.sweeping = null;
				});
			}
			return this.sweeping;
		},

		async sendDue(ignoreBackoff: boolean): Promise<number> {
			const now = this.now();
			// Through the sparse index on `dueAt`: what is unsent (and due), never the messages long sent.
			const query: Filter = { dueAt: { $lte: ignoreBackoff ? Number.MAX_SAFE_INTEGER : now }, sentAt: null, leaseUntil: { $lte: now } };
			const due = await this.adapter.find({ query, sort: ["createdAt"], limit: SWEEP_BATCH });
			let sent = 0;
			for (const doc of due) {
				// Oldest first, one at a time; a failure ends the pass: the server is down, and the rest waits its turn.
				const attempt = await this.deliver(doc);
				if (attempt === "failed") break;
				if (attempt === "sent") sent++;
			}
			return sent;
		},

		/**
		 * Gives `dueAt` to unsent messages stored before it existed, so that the sweep finds them.
		 * A scan, once at start (no index serves it: that is the point); a no-op once done.
		 */
		async backfillDueAt(): Promise<number> {
			const legacy = await this.adapter.find({ query: { sentAt: null, dueAt: { $exists: false } } });
			for (const doc of legacy) await this.adapter.updateMany({ _id: doc._id, sentAt: null, dueAt: { $exists: false } }, { $set: { dueAt: doc.nextAttemptAt } });
			return legacy.length;
		},
	},

	created() {
		this.sweeping = null;
		this.sending = new Set();
		this.mailer = this.createMailer();
	},

	async started() {
		const upgraded = await this.backfillDueAt();
		if (upgraded) this.logger.info(`Gave ${upgraded} unsent message(s) from an older version their due time`);
		// Whatever the last run left unsent goes now, back-off or not: this may be the restart that fixed it.
		this.sweep({ ignoreBackoff: true }).catch(err => this.logger.warn(`Notification sweep failed: ${(err as Error).message}`));
	},

	async stopped() {
		// The periodic sweep is awaited by its mixin; this waits for the one started above.
		await this.sweeping?.catch(() => undefined);
		await Promise.all(this.sending);
		await this.mailer.close();
	},
};

export default NotificationsService;
