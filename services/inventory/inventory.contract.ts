// What other services may know of inventory: stock levels, and the reservations that checkout takes.
import { action, as, contract, event, type ActionsOf, type EventsOf } from "../../lib/contract";

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

/** A row of the admin's stock list: the level, with the product's name and SKU (null when the catalog could not be asked). */
export interface StockRow extends StockLevel {
	name: string | null;
	sku: string | null;
}

/** The admin's stock list: at most this many rows a page. */
export const MAX_STOCK_PAGE = 100;

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

/**
 * Order ids become field names in the stock records (`holds.<orderId>`), so they may not hold
 * a dot or a dollar sign. UUIDs fit.
 */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

const PRODUCT_ID = { type: "string", min: 1, max: 64 } as const;
const ORDER_ID = { type: "string", max: 100, pattern: ORDER_ID_PATTERN, messages: { stringPattern: "An order id is 1–100 letters, digits, '-' or '_'" } } as const;
const LINE = { type: "object", strict: true, props: { productId: PRODUCT_ID, quantity: { type: "number", integer: true, min: 1, max: 10_000 } } } as const;

export const InventoryContract = contract(
	"inventory",
	{
		get: action({ params: { $$strict: true, productId: PRODUCT_ID }, result: as<StockLevel>() }),
		/** Admin: 409 STOCK_RESERVED below what open orders hold; creates the stock of a catalog product that has none. */
		set: action({
			params: { $$strict: true, productId: PRODUCT_ID, onHand: { type: "number", integer: true, min: 0, max: 1_000_000_000 } },
			result: as<StockLevel>(),
		}),
		/**
		 * GET /api/inventory (admin, beyond the contract): stock levels, lowest `available` first
		 * (ties by product id), a page at a time; `maxAvailable` keeps those at or below it (the
		 * low-stock view). The whole count in X-Total-Count. Products removed from the catalog are
		 * left out (their records stay, for the orders that name them).
		 */
		list: action({
			params: {
				$$strict: true,
				maxAvailable: { type: "number", integer: true, min: 0, max: 1_000_000_000, optional: true, convert: true },
				page: { type: "number", integer: true, min: 1, max: 10_000, optional: true, convert: true },
				pageSize: { type: "number", integer: true, min: 1, max: MAX_STOCK_PAGE, optional: true, convert: true },
			},
			result: as<StockRow[]>(),
		}),
		/** Available quantity per product id, in one call; unknown ids are absent. */
		availability: action({ params: { $$strict: true, productIds: { type: "array", max: 1_000, items: PRODUCT_ID } }, result: as<Record<string, number>>() }),
		/**
		 * Hold every line for an order, or none (409 OutOfStock naming the lines short, each with
		 * `available`). Idempotent per orderId. 409 RESERVATION_MISMATCH for the same id with other
		 * lines; 409 RESERVATION_STATE once the order was released; 409 RESERVATION_BUSY (retryable)
		 * while a duplicate call for the order is under way.
		 */
		reserve: action({ params: { $$strict: true, orderId: ORDER_ID, lines: { type: "array", min: 1, max: 100, items: LINE } }, result: as<Reservation>() }),
		/** Turn the hold into a sale. Idempotent per orderId. 404 never reserved; 409 RESERVATION_EXPIRED past its TTL (stock back on sale). */
		commit: action({ params: { $$strict: true, orderId: ORDER_ID }, result: as<Reservation>() }),
		/** Give held stock back, or, after a commit, put sold stock back (a cancelled order). Idempotent per orderId. */
		release: action({ params: { $$strict: true, orderId: ORDER_ID }, result: as<Reservation>() }),
	},
	{
		/** Availability of these products changed (reservation, sale, release, expiry, restock). */
		"inventory.changed": event({ productIds: { type: "array", items: "string" } }),
	},
);

export type InventoryActions = ActionsOf<typeof InventoryContract>;
/** The events this service announces, by name, with their payloads (lib/events.ts gathers them). */
export type InventoryEvents = EventsOf<typeof InventoryContract>;
