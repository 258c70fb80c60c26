// What other services may know of notifications: the shopper's list, and enqueue (orders' outbox).
import { action, as, contract, type ActionsOf } from "../../lib/contract";

export const NOTIFICATION_TYPES = ["order.confirmed", "order.cancelled", "order.shipped", "order.delivered"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface Notification {
	id: string;
	type: NotificationType;
	orderId: string;
	subject: string;
	createdAt: string;
	/** Null until the message has gone out; set once. */
	sentAt: string | null;
}

export const NotificationsContract = contract("notifications", {
	/** GET /api/notifications (user): the caller's own, newest first (at most `limit`, default 100). */
	list: action({
		params: { $$strict: true, limit: { type: "number", integer: true, min: 1, max: 100, optional: true, convert: true } },
		result: as<Notification[]>(),
	}),
	/**
	 * Store a message and send it. Idempotent per `key` (e.g. "<orderId>:order.confirmed"): a
	 * repeat returns the stored message and never sends twice. Success means the message is
	 * stored: when mail is down it is answered unsent (`sentAt: null`) and a sweeper sends it
	 * later, so the caller may mark it done. Orders calls it from its outbox.
	 */
	enqueue: action({
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
		result: as<Notification>(),
	}),
});

export type NotificationsActions = ActionsOf<typeof NotificationsContract>;
