// Shipping quotes and shipments.
import type { Address } from "../orders/orders.contract";

/** Where a parcel goes, seen from the warehouse (the shop ships from the US). */
export type ShippingZone = "domestic" | "north-america" | "europe" | "world";

export interface ShippingQuote {
	/** Integer cents, in the shop's base currency. */
	cost: number;
	currency: string;
	carrier: string;
	estimatedDays: number;
	zone: ShippingZone;
}

export type ShipmentStatus = "booked" | "shipped" | "delivered" | "cancelled";

export interface ShipmentItem {
	productId: string;
	quantity: number;
}

export interface Shipment {
	id: string;
	orderId: string;
	carrier: string;
	trackingId: string;
	status: ShipmentStatus;
	createdAt: string;
	updatedAt: string;
	shippedAt: string | null;
	deliveredAt: string | null;
}

export interface ShippingActions {
	/** POST /api/shipping/quote (public): the cost by destination zone and item count. 422 for an unknown country. */
	"shipping.quote": { params: { country: string; items: ShipmentItem[] }; result: ShippingQuote };
	/**
	 * Book a shipment for an order; idempotent per orderId (a repeat returns the first booking).
	 * Once the order's shipment was cancelled, also by a cancel that came before any booking:
	 * 409 ConflictError of type SHIPMENT_CANCELLED, data `{ orderId }`, and nothing is booked.
	 */
	"shipping.create": { params: { orderId: string; address: Address; items: ShipmentItem[] }; result: Shipment };
	/**
	 * Cancel an order's shipment; idempotent. Returns the cancelled shipment, or null when the
	 * order has none, and then no booking for it is taken afterwards (a booking still on its way
	 * is refused when it lands). Once it has shipped: 409 ConflictError of type
	 * SHIPMENT_ALREADY_SHIPPED, data `{ orderId, status }`, and nothing changes.
	 */
	"shipping.cancel": { params: { orderId: string }; result: Shipment | null };
	/** Current shipments of many orders at once (orders reconciles with it after a restart). */
	"shipping.byOrders": { params: { orderIds: string[] }; result: Shipment[] };
}

/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export interface ShippingEvents {
	/** A shipment moved on; orders follows it. */
	"shipping.statusChanged": { orderId: string; status: ShipmentStatus; at: string };
}
