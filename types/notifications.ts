// Messages to shoppers about their orders.

export type NotificationType = "order.confirmed" | "order.cancelled" | "order.shipped" | "order.delivered";

export interface Notification {
	id: string;
	type: NotificationType;
	orderId: string;
	subject: string;
	createdAt: string;
	sentAt: string | null;
}

export interface NotificationsActions {
	"notifications.list": { params: Record<string, never>; result: Notification[] };
	/**
	 * Store a message and send it. Idempotent per `key` (e.g. "<orderId>:order.confirmed"): a
	 * repeat returns the stored message and never sends twice. Orders calls it from its outbox.
	 */
	"notifications.enqueue": {
		params: { key: string; type: NotificationType; orderId: string; userId: string; email: string; subject: string; text: string };
		result: Notification;
	};
}
