// What other services (and the gateway) may know of orders: checkout, the shopper's orders, and
// the order.statusChanged announcement.
import { action, as, contract, event, type ActionsOf, type EventsOf } from "../../lib/contract";

export interface Address {
	name: string;
	street: string;
	city: string;
	postalCode: string;
	country: string;
}

export interface CardDetails {
	cardNumber: string;
	expMonth: number;
	expYear: number;
	cvc: string;
}

export const ORDER_STATUSES = ["pending", "confirmed", "cancelled", "failed", "shipped", "delivered"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `none`: the order failed before (or without) a charge; `declined`: the card was refused. */
export type PaymentStatus = "pending" | "charged" | "declined" | "refunded" | "none";

export interface OrderItem {
	productId: string;
	name: string;
	unitPrice: number;
	quantity: number;
	lineTotal: number;
}

export interface Order {
	id: string;
	userId: string;
	status: OrderStatus;
	items: OrderItem[];
	subtotal: number;
	shippingCost: number;
	total: number;
	currency: string;
	shippingAddress: Address;
	payment: { last4: string; status: PaymentStatus };
	shipment: { carrier: string; trackingId: string; status: string } | null;
	createdAt: string;
	updatedAt: string;
	/** Only on a failed order: why the checkout was refused (e.g. PAYMENT_DECLINED, OUT_OF_STOCK). */
	failure?: OrderFailure;
}

export interface OrderFailure {
	code: number;
	type: string;
	message: string;
}

/** An order as an admin sees it: also the buyer's e-mail (where the shop's messages go). */
export interface AdminOrder extends Order {
	email: string;
}

/** Every string bounded before any pattern runs (lengths first: see the card rules). */
export const ADDRESS = {
	type: "object",
	strict: true,
	props: {
		name: "string|trim|min:1|max:100",
		street: "string|trim|min:1|max:200",
		city: "string|trim|min:1|max:100",
		postalCode: "string|trim|min:1|max:20",
		country: { type: "string", trim: true, uppercase: true, length: 2, alpha: true, messages: { stringLength: "A country is its ISO 3166-1 two-letter code, e.g. US" } },
	},
} as const;

export const CARD = {
	type: "object",
	strict: true,
	props: {
		cardNumber: { type: "string", max: 23, pattern: /^[\d -]{12,23}$/, messages: { stringPattern: "The card number must be 12 to 19 digits" } },
		expMonth: "number|integer|min:1|max:12",
		expYear: "number|integer|min:2000|max:2100",
		cvc: { type: "string", max: 4, pattern: /^\d{3,4}$/, messages: { stringPattern: "The cvc must be 3 or 4 digits" } },
	},
} as const;

const ORDER_ID = "string|min:1|max:64";

/** The admin list's page size: past NATS's 1 MB payload a whole list would not travel. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

export const OrdersContract = contract(
	"orders",
	{
		/** POST /api/checkout: the caller's cart becomes a confirmed order, or nothing changes. */
		checkout: action({ params: { $$strict: true, shippingAddress: ADDRESS, payment: CARD }, result: as<Order>() }),
		/**
		 * GET /api/orders: the caller's orders, newest first; `?all=true` (admins): everyone's, a page
		 * at a time (`page` from 1, `pageSize` 1–500, default 100; the whole count in X-Total-Count),
		 * each with the buyer's `email`. Either list narrows by `status`, `orderId` and `email`.
		 */
		list: action({
			params: {
				$$strict: true,
				all: { type: "boolean", optional: true, convert: true },
				page: { type: "number", integer: true, min: 1, max: 1_000_000, optional: true, convert: true },
				pageSize: { type: "number", integer: true, min: 1, max: MAX_PAGE_SIZE, optional: true, convert: true },
				status: { type: "enum", values: ORDER_STATUSES, optional: true },
				/** The whole id or its start, any case: people read ids shortened (#1A2B3C4D). */
				orderId: { type: "string", trim: true, min: 1, max: 64, pattern: /^[\w-]+$/, optional: true, messages: { stringPattern: "An order id has only letters, digits, '-' and '_'" } },
				/** The buyer's e-mail, as given at checkout; an address nobody ordered with is an empty page. */
				email: { type: "string", trim: true, lowercase: true, min: 3, max: 254, optional: true },
			},
			result: as<Order[] | AdminOrder[]>(),
		}),
		/** GET /api/orders/:id: 404 for anyone else's order (admins see all, with the buyer's `email`). */
		get: action({ params: { $$strict: true, id: ORDER_ID }, result: as<Order | AdminOrder>() }),
		/** POST /api/orders/:id/cancel: shipment cancelled, money refunded, stock back; 409 once shipped. */
		cancel: action({ params: { $$strict: true, id: ORDER_ID }, result: as<Order>() }),
	},
	{
		/** An order changed state; anyone may follow it (notifications does not depend on this: orders' outbox calls it). */
		"order.statusChanged": event({ orderId: "string", userId: "string", status: "string", at: "string" }),
	},
);

export type OrdersActions = ActionsOf<typeof OrdersContract>;
/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export type OrdersEvents = EventsOf<typeof OrdersContract>;
