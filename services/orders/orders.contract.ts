// Orders: checkout and what a shopper sees of their orders.

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

export type OrderStatus = "pending" | "confirmed" | "cancelled" | "failed" | "shipped" | "delivered";

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
}

export interface OrdersActions {
	"orders.checkout": { params: { shippingAddress: Address; payment: CardDetails }; result: Order };
	"orders.list": { params: { all?: boolean }; result: Order[] };
	"orders.get": { params: { id: string }; result: Order };
	"orders.cancel": { params: { id: string }; result: Order };
}

/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export interface OrdersEvents {
	/** An order changed state; anyone may follow it (notifications does not depend on this: see notifications.enqueue). */
	"order.statusChanged": { orderId: string; userId: string; status: string; at: string };
}
