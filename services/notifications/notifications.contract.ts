// What other services may know of notifications: the shopper's list, and enqueue (orders' outbox).
import { action, as, contract, type ActionsOf, type Infer } from "../../lib/contract";

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
	/** Null until the shopper has seen it (notifications.markRead: the Messages page was opened). */
	readAt: string | null;
}

const CENTS = "number|integer|min:0|max:1000000000000";

/** The facts of an order a message tells of: notifications words them (texts.ts), in the order's currency. */
export const ORDER_FACTS = {
	type: "object",
	strict: true,
	props: {
		items: {
			type: "array",
			max: 200,
			items: {
				type: "object",
				strict: true,
				props: { name: "string|min:1|max:200", quantity: "number|integer|min:1|max:10000", unitPrice: CENTS, lineTotal: CENTS },
			},
		},
		subtotal: CENTS,
		shippingCost: CENTS,
		total: CENTS,
		/** ISO 4217; amounts above are its minor units. */
		currency: { type: "string", length: 3 },
		/** Absent until the order has a shipment. */
		shipment: { type: "object", optional: true, strict: true, props: { carrier: "string|min:1|max:100", trackingId: "string|min:1|max:100" } },
	},
} as const;

export type OrderFacts = Infer<typeof ORDER_FACTS["props"]>;

/**
 * Seen or not, per shopper (beyond the contract: the header's unread count). Kept on the messages
 * themselves, so that every device of the shopper agrees.
 */
const READ_ACTIONS = {
	/** GET /api/notifications/unread (user): how many of the caller's messages they have not seen. */
	unread: action({ params: { $$strict: true }, result: as<{ unread: number }>() }),
	/**
	 * POST /api/notifications/read (user): the caller's messages created at or before `upTo` (the
	 * newest one the page showed; default now) are seen. A message that arrived after the page was
	 * drawn stays unread. Answers what is still unread.
	 */
	markRead: action({ params: { $$strict: true, upTo: { type: "date", convert: true, optional: true } }, result: as<{ unread: number }>() }),
};

export const NotificationsContract = contract("notifications", {
	/**
	 * GET /api/notifications (user): the caller's own, newest first (at most `limit`, default 100).
	 * `?orderId=` keeps those about one order; for an admin, every user's about that order.
	 */
	list: action({
		params: {
			$$strict: true,
			limit: { type: "number", integer: true, min: 1, max: 100, optional: true, convert: true },
			orderId: { type: "string", min: 1, max: 100, optional: true },
		},
		result: as<Notification[]>(),
	}),
	/**
	 * Store a message and send it. Idempotent per `key` (e.g. "<orderId>:order.confirmed"): a
	 * repeat returns the stored message and never sends twice. Success means the message is
	 * stored: when mail is down it is answered unsent (`sentAt: null`) and a sweeper sends it
	 * later, so the caller may mark it done. Orders calls it from its outbox with the facts of the
	 * order; the words are notifications' own (texts.ts). `waitForSend: false` answers as soon as
	 * the message is stored and sends it after (orders: a checkout does not wait for its e-mail to
	 * be rendered and written); by default the answer waits a moment for the first attempt.
	 */
	enqueue: action({
		params: {
			$$strict: true,
			key: "string|min:1|max:200",
			type: { type: "enum", values: NOTIFICATION_TYPES },
			orderId: "string|min:1|max:100",
			userId: "string|min:1|max:100",
			email: { type: "email", max: 254 },
			order: ORDER_FACTS,
			waitForSend: { type: "boolean", optional: true },
		},
		result: as<Notification>(),
	}),
	...READ_ACTIONS,
});

export type NotificationsActions = ActionsOf<typeof NotificationsContract>;
