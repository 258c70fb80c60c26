// Messages to shoppers about their orders.

export type NotificationType = "order.confirmed" | "order.cancelled" | "order.shipped" | "order.delivered";

export interface Notification {
	id: string;
	type: NotificationType;
	orderId: string;
	subject: string;
	createdAt: string;
	/** Null until the message has gone out; set once. */
	sentAt: string | null;
}

export interface NotificationsActions {
	/** GET /api/notifications (user): the caller's own, newest first (at most `limit`, default 100). */
	"notifications.list": { params: { limit?: number }; result: Notification[] };
	/**
	 * Store a message and send it. Idempotent per `key` (e.g. "<orderId>:order.confirmed"): a
	 * repeat returns the stored message and never sends twice. Success means the message is
	 * stored: when mail is down it is answered unsent (`sentAt: null`) and a sweeper sends it
	 * later, so the caller may mark it done. Orders calls it from its outbox.
	 */
	"notifications.enqueue": {
		params: { key: string; type: NotificationType; orderId: string; userId: string; email: string; subject: string; text: string };
		result: Notification;
	};
}
