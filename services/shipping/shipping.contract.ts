// Shipping quotes and shipments.
import { action, as, contract, event, type ActionsOf, type EventsOf } from "../../lib/contract";

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

const ORDER_ID = "string|min:1|max:100";
const ITEMS = {
	type: "array",
	min: 1,
	max: 100,
	items: { type: "object", strict: true, props: { productId: "string|min:1|max:64", quantity: "number|integer|min:1|max:999" } },
} as const;
const COUNTRY = { type: "string", length: 2 } as const;

export const ShippingContract = contract(
	"shipping",
	{
		/** POST /api/shipping/quote (public): the cost by destination zone and item count. 422 for an unknown country. */
		quote: action({ params: { $$strict: true, country: COUNTRY, items: ITEMS }, result: as<ShippingQuote>() }),
		/**
		 * Book a shipment for an order; idempotent per orderId (a repeat returns the first booking).
		 * Once the order's shipment was cancelled, also by a cancel that came before any booking:
		 * 409 ConflictError of type SHIPMENT_CANCELLED, data `{ orderId }`, and nothing is booked.
		 */
		create: action({
			params: {
				$$strict: true,
				orderId: ORDER_ID,
				address: {
					type: "object",
					strict: "remove",
					props: {
						name: "string|min:1|max:200",
						street: "string|min:1|max:200",
						city: "string|min:1|max:100",
						postalCode: "string|min:1|max:20",
						country: COUNTRY,
					},
				},
				items: ITEMS,
			},
			result: as<Shipment>(),
		}),
		/**
		 * Cancel an order's shipment; idempotent. Returns the cancelled shipment, or null when the
		 * order has none, and then no booking for it is taken afterwards (a booking still on its way
		 * is refused when it lands). Once it has shipped: 409 ConflictError of type
		 * SHIPMENT_ALREADY_SHIPPED, data `{ orderId, status }`, and nothing changes.
		 */
		cancel: action({ params: { $$strict: true, orderId: ORDER_ID }, result: as<Shipment | null>() }),
		/** Current shipments of many orders at once (orders reconciles with it after a restart). */
		byOrders: action({ params: { $$strict: true, orderIds: { type: "array", max: 1_000, items: ORDER_ID } }, result: as<Shipment[]>() }),
	},
	{
		/** A shipment moved on; orders follows it. */
		"shipping.statusChanged": event({
			orderId: "string",
			status: { type: "enum", values: ["booked", "shipped", "delivered", "cancelled"] },
			at: "string",
		}),
	},
);

export type ShippingActions = ActionsOf<typeof ShippingContract>;
/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export type ShippingEvents = EventsOf<typeof ShippingContract>;
