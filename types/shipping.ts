// Shipping quotes and shipments.
import type { Address } from "./orders";

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

export interface ShippingActions {
	"shipping.quote": { params: { country: string; items: { productId: string; quantity: number }[] }; result: ShippingQuote };
	/** Book a shipment for an order; idempotent per orderId. */
	"shipping.create": { params: { orderId: string; address: Address; items: { productId: string; quantity: number }[] }; result: Shipment };
	"shipping.cancel": { params: { orderId: string }; result: Shipment | null };
	/** Current shipments of many orders at once (orders reconciles with it after a restart). */
	"shipping.byOrders": { params: { orderIds: string[] }; result: Shipment[] };
}
