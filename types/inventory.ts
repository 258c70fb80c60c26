// Stock levels and the reservations that checkout takes.

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

export interface Reservation {
	orderId: string;
	status: "held" | "committed" | "released" | "expired";
	lines: OrderLine[];
	expiresAt: string;
}

export interface InventoryActions {
	"inventory.get": { params: { productId: string }; result: StockLevel };
	"inventory.set": { params: { productId: string; onHand: number }; result: StockLevel };
	/** Available quantity per product id, in one call; unknown ids are absent. */
	"inventory.availability": { params: { productIds: string[] }; result: Record<string, number> };
	/** Hold every line for an order, or none (409 OutOfStock naming the lines short). Idempotent per orderId. */
	"inventory.reserve": { params: { orderId: string; lines: OrderLine[] }; result: Reservation };
	/** Turn the hold into a sale. Idempotent per orderId. */
	"inventory.commit": { params: { orderId: string }; result: Reservation };
	/** Give held stock back, or, after a commit, put sold stock back (a cancelled order). Idempotent per orderId. */
	"inventory.release": { params: { orderId: string }; result: Reservation };
}
