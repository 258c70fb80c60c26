// Events between services, by name. Events are announcements: whoever needs a fact to survive
// a crash keeps it in its own store first (see orders' outbox), and never relies on an event alone.
import type { ShipmentStatus } from "../services/shipping/shipping.contract";

export interface Events {
	/** Availability of these products changed (reservation, sale, release, expiry, restock). */
	"inventory.changed": { productIds: string[] };
	/** Products were created, changed or removed. */
	"products.changed": { ids: string[] };
	/** A shipment moved on; orders follows it. */
	"shipping.statusChanged": { orderId: string; status: ShipmentStatus; at: string };
	/** An order changed state; anyone may follow it (notifications does not depend on this: see notifications.enqueue). */
	"order.statusChanged": { orderId: string; userId: string; status: string; at: string };
}
