// Stock levels and the reservations that checkout takes.

/**
 * onHand = reserved + available, always. A reservation moves units from available to reserved;
 * a commit (the sale) takes them off the shelf, lowering reserved and onHand; a release or an
 * expiry moves them back to available; a release after a commit puts them back on the shelf.
 */
export interface StockLevel {
	productId: string;
	onHand: number;
	reserved: number;
	available: number;
}

export interface OrderLine {
	productId: string;
	quantity: number;
}

/** `status` "released" also covers an order that was refused or cancelled; `expiresAt` matters while "held". */
export interface Reservation {
	orderId: string;
	status: "held" | "committed" | "released" | "expired";
	lines: OrderLine[];
	expiresAt: string;
}

export interface InventoryActions {
	"inventory.get": { params: { productId: string }; result: StockLevel };
	/** Admin: 409 STOCK_RESERVED below what open orders hold; creates the stock of a catalog product that has none. */
	"inventory.set": { params: { productId: string; onHand: number }; result: StockLevel };
	/** Available quantity per product id, in one call; unknown ids are absent. */
	"inventory.availability": { params: { productIds: string[] }; result: Record<string, number> };
	/**
	 * Hold every line for an order, or none (409 OutOfStock naming the lines short). Idempotent per
	 * orderId (order ids: letters, digits, '-' and '_'; UUIDs fit). 409 RESERVATION_MISMATCH for the
	 * same id with other lines; 409 RESERVATION_STATE once the order was released; 409
	 * RESERVATION_BUSY (retryable) while a duplicate call for the order is under way.
	 */
	"inventory.reserve": { params: { orderId: string; lines: OrderLine[] }; result: Reservation };
	/** Turn the hold into a sale. Idempotent per orderId. 404 never reserved; 409 RESERVATION_EXPIRED past its TTL (stock back on sale). */
	"inventory.commit": { params: { orderId: string }; result: Reservation };
	/** Give held stock back, or, after a commit, put sold stock back (a cancelled order). Idempotent per orderId. */
	"inventory.release": { params: { orderId: string }; result: Reservation };
}

/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export interface InventoryEvents {
	/** Availability of these products changed (reservation, sale, release, expiry, restock). */
	"inventory.changed": { productIds: string[] };
}
