// How notifications are stored (an outbox with a unique key), and what of them a shopper sees.
import type { Doc, Filter } from "../../mixins/db.mixin";
import type { Notification, NotificationType } from "./notifications.contract";

export interface NotificationDoc extends Doc {
	/** Unique: the caller's idempotency key, e.g. "<orderId>:order.confirmed". */
	key: string;
	type: NotificationType;
	orderId: string;
	userId: string;
	email: string;
	subject: string;
	text: string;
	createdAt: string;
	/** Set once, by the conditional update that follows a successful send. */
	sentAt: string | null;
	attempts: number;
	/** Not before this (ms): failed sends back off. */
	nextAttemptAt: number;
	/**
	 * The same as nextAttemptAt, but only while the message is unsent: the sweep's sparse index.
	 * Sent messages do not carry it, so the index holds what may still be due and nothing else
	 * (an index on `sentAt` kept every unsent message under one key, `null`, which NeDB scans on
	 * every write to one of them). Absent from messages stored before it existed until the start backfills it.
	 */
	dueAt?: number;
	/** A sender holds the message until then (ms); 0 when nobody does. Two senders never hold it at once. */
	leaseUntil: number;
	lastError: string | null;
	/** When the shopper saw it; absent until then (and in messages stored before it existed). */
	readAt?: string;
}

export function toNotification(doc: NotificationDoc): Notification {
	return { id: doc._id, type: doc.type, orderId: doc.orderId, subject: doc.subject, createdAt: doc.createdAt, sentAt: doc.sentAt, readAt: doc.readAt ?? null };
}

/** Waits between attempts: 1 s, 2 s, 4 s … at most a minute, so a mail server that comes back is used soon. */
export function retryDelayMs(attempts: number): number {
	return Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/** The caller's messages not seen yet. `$exists`, not `null`: NeDB does not match a missing field with null. */
export function unreadOf(userId: string): Filter {
	return { userId, readAt: { $exists: false } };
}
