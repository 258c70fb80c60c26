// Checkout and what follows it: orders, payments, shipping, notifications.

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
	payment: { last4: string; status: string };
	shipment: { carrier: string; trackingId: string; status: string } | null;
	createdAt: string;
	updatedAt: string;
}

export type ChargeStatus = "charged" | "declined" | "refunded";

export interface Charge {
	id: string;
	orderId: string;
	amount: number;
	currency: string;
	status: ChargeStatus;
	last4: string;
	createdAt: string;
}

export interface ShippingQuote {
	cost: number;
	currency: string;
	carrier: string;
	estimatedDays: number;
}

export type ShipmentStatus = "booked" | "shipped" | "delivered" | "cancelled";

export interface Shipment {
	id: string;
	orderId: string;
	carrier: string;
	trackingId: string;
	status: ShipmentStatus;
	createdAt: string;
}

export type NotificationType = "order.confirmed" | "order.cancelled" | "order.shipped" | "order.delivered";

export interface Notification {
	id: string;
	type: NotificationType;
	orderId: string;
	subject: string;
	createdAt: string;
	sentAt: string | null;
}

export interface OrdersActions {
	"orders.checkout": { params: { shippingAddress: Address; payment: CardDetails }; result: Order };
	"orders.list": { params: { all?: boolean }; result: Order[] };
	"orders.get": { params: { id: string }; result: Order };
	"orders.cancel": { params: { id: string }; result: Order };

	/** Charge a card once per idempotency key (the order id); a repeat returns the first charge. */
	"payments.charge": { params: { orderId: string; amount: number; currency: string; card: CardDetails }; result: Charge };
	/** Refund an order's charge; idempotent. */
	"payments.refund": { params: { orderId: string }; result: Charge | null };
	"payments.list": { params: { orderId?: string }; result: Charge[] };

	"shipping.quote": { params: { country: string; items: { productId: string; quantity: number }[] }; result: ShippingQuote };
	/** Book a shipment for an order; idempotent per orderId. */
	"shipping.create": { params: { orderId: string; address: Address; items: { productId: string; quantity: number }[] }; result: Shipment };
	"shipping.cancel": { params: { orderId: string }; result: Shipment | null };
	/** Current shipments of many orders at once (orders reconciles with it after a restart). */
	"shipping.byOrders": { params: { orderIds: string[] }; result: Shipment[] };

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
