// services/notifications.service.ts — messages to shoppers about their orders. Each message is
// stored under its caller's key before it is sent, sent by whoever holds its lease, and marked
// sent once; a sweeper sends what could not go out (mail down, a node restarted), so nothing is
// lost and nothing goes out twice.
import crypto from "node:crypto";
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { DbMixin, type Filter, type Store } from "../../mixins/db.mixin";
import { config } from "../../lib/config";
import { UnauthorizedError } from "../../lib/errors";
import { createMailer, type Letter, type Mailer } from "./mailer";
import { NOTIFICATION_TYPES, retryDelayMs, toNotification, type NotificationDoc } from "./messages";
import type { ParamsOf, ResultOf } from "../../lib/call";
import { within } from "../../lib/time";
import type { ShopContext } from "../../lib/meta";

interface NotificationsSettings extends ServiceSettingSchema {
	/** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587; unset: .eml files under DATA_DIR. */
	smtpUrl: string | null;
	/** MAIL_FROM: the sender of every message. */
	from: string;
	dataDir: string;
	/** How often unsent messages are looked for. */
	sweepIntervalMs: number;
	/** How long a sender may hold a message; longer than the slowest SMTP attempt can take. */
	leaseMs: number;
	/** How long enqueue waits for the first attempt before answering (the message is stored either way). */
	sendWaitMs: number;
}

interface NotificationsMethods {
	now(): Date;
	createMailer(): Mailer;
	deliver(doc: NotificationDoc): Promise<Attempt>;
	sweep(opts?: { ignoreBackoff?: boolean }): Promise<number>;
	sendDue(ignoreBackoff: boolean): Promise<number>;
}

interface NotificationsVars {
	adapter: Store<NotificationDoc>;
	mailer: Mailer;
	sweepTimer: NodeJS.Timeout | null;
	sweeping: Promise<number> | null;
}

const SWEEP_BATCH = 100;

/** What one attempt did: sent it, failed to (mail is down), or left it (already sent, or another sender holds it). */
type Attempt = "sent" | "failed" | "skipped";

const NotificationsService: ServiceSchema<NotificationsSettings, NotificationsMethods, NotificationsVars> = {
	name: "notifications",
	mixins: [
		DbMixin("notifications", {
			indexes: [{ fields: ["key"], unique: true }, { fields: ["userId"] }, { fields: ["sentAt"] }],
		}),
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

	actions: {
		/** GET /api/notifications: the caller's own, newest first. */
		list: {
			auth: "user",
			params: { $$strict: true, limit: { type: "number", integer: true, min: 1, max: 100, optional: true, convert: true } },
			async handler(ctx: ShopContext<ParamsOf<"notifications.list">>): Promise<ResultOf<"notifications.list">> {
				const user = ctx.meta.user;
				if (!user) throw new UnauthorizedError();
				const docs = await this.adapter.find({ query: { userId: user.id }, sort: ["-createdAt"], limit: ctx.params.limit ?? 100 });
				return docs.map(toNotification);
			},
		},

		/** Store, then send; idempotent per key. Success means stored: see types/notifications.ts. */
		enqueue: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: {
				$$strict: true,
				key: "string|min:1|max:200",
				type: { type: "enum", values: NOTIFICATION_TYPES },
				orderId: "string|min:1|max:100",
				userId: "string|min:1|max:100",
				email: { type: "email", max: 254 },
				subject: "string|min:1|max:300",
				text: "string|min:1|max:20000",
			},
			async handler(ctx: ShopContext<ParamsOf<"notifications.enqueue">>): Promise<ResultOf<"notifications.enqueue">> {
				const now = this.now();
				let doc: NotificationDoc = {
					_id: crypto.randomUUID(),
					...ctx.params,
					createdAt: now.toISOString(),
					sentAt: null,
					attempts: 0,
					nextAttemptAt: now.getTime(),
					leaseUntil: 0,
					lastError: null,
				};
				try {
					await this.adapter.insert(doc);
				} catch (err) {
					// The unique key: this message is already stored (a repeat); the stored one stands.
					const first = await this.adapter.findOne({ key: doc.key });
					if (!first) throw err;
					doc = first;
				}
				if (!doc.sentAt) {
					// Answer soon even when the mail server is slow: the message is stored, and the
					// attempt (or the sweeper) finishes the job.
					const attempt = this.deliver(doc).catch(err => this.logger.warn(`Sending notification ${doc._id} failed: ${(err as Error).message}`));
					await within(attempt, this.settings.sendWaitMs);
				}
				return toNotification((await this.adapter.findOne({ _id: doc._id })) ?? doc);
			},
		},
	},

	methods: {
		/** The clock for timestamps, leases and back-off. Tests replace it with a mixin. */
		now(): Date {
			return new Date();
		},

		/** Where messages go (SMTP, outbox files, memory). Tests replace it to play a mail server that is down. */
		createMailer(): Mailer {
			return createMailer({ smtpUrl: this.settings.smtpUrl, dataDir: this.settings.dataDir });
		},

		/**
		 * One attempt to send a stored message. Only the holder of the
		 * lease sends (a conditional update takes it), and sentAt is set only while it is null:
		 * two concurrent attempts cannot both send, and a sent message is never sent again.
		 */
		async deliver(doc: NotificationDoc): Promise<Attempt> {
			const now = this.now().getTime();
			const leaseUntil = now + this.settings.leaseMs;
			const taken = await this.adapter.updateMany({ _id: doc._id, sentAt: null, leaseUntil: { $lte: now } }, { $set: { leaseUntil } });
			if (taken !== 1) return "skipped";

			const letter: Letter = { id: doc._id, from: this.settings.from, to: doc.email, subject: doc.subject, text: doc.text, date: new Date(doc.createdAt) };
			try {
				await this.mailer.send(letter);
			} catch (err) {
				const attempts = doc.attempts + 1;
				const message = (err as Error).message;
				await this.adapter.updateMany(
					{ _id: doc._id, sentAt: null, leaseUntil },
					{ $set: { leaseUntil: 0, lastError: message, nextAttemptAt: now + retryDelayMs(attempts) }, $inc: { attempts: 1 } },
				);
				this.logger.warn(`Could not send ${doc.type} of order ${doc.orderId} (attempt ${attempts}); will try again: ${message}`);
				return "failed";
			}
			await this.adapter.updateMany({ _id: doc._id, sentAt: null }, { $set: { sentAt: this.now().toISOString(), leaseUntil: 0, lastError: null }, $inc: { attempts: 1 } });
			this.logger.info(`Sent ${doc.type} of order ${doc.orderId} by ${this.mailer.kind}`);
			return "sent";
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
			const now = this.now().getTime();
			const query: Filter = { sentAt: null, leaseUntil: { $lte: now } };
			if (!ignoreBackoff) query.nextAttemptAt = { $lte: now };
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
	},

	created() {
		this.sweepTimer = null;
		this.sweeping = null;
		this.mailer = this.createMailer();
	},

	started() {
		// Whatever the last run left unsent goes now, back-off or not: this may be the restart that fixed it.
		this.sweep({ ignoreBackoff: true }).catch(err => this.logger.warn(`Notification sweep failed: ${(err as Error).message}`));
		this.sweepTimer = setInterval(() => {
			this.sweep().catch(err => this.logger.warn(`Notification sweep failed: ${(err as Error).message}`));
		}, this.settings.sweepIntervalMs);
	},

	async stopped() {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
		await this.sweeping?.catch(() => undefined);
		this.mailer.close();
	},
};

export default NotificationsService;
