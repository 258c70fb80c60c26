// What the inventory stores: one stock record per product, one reservation record per order.
//
// The books: for every product, onHand = available + reserved. `available` and `reserved` are
// stored (not onHand) because the reservation's conditional update must test a stored field:
// "take 2 if available ≥ 2". A sale leaves the shelf: it lowers reserved (and so onHand) and
// raises `sold`, so available + reserved + sold only changes when an admin sets the stock.
import type { Doc } from "../../mixins/db.mixin";
import type { OrderLine, Reservation } from "./inventory.contract";
import type { ShortLine } from "../../lib/errors";

export interface StockDoc extends Doc {
	/** _id is the product id. */
	available: number;
	reserved: number;
	/** Units sold and not given back by a cancellation. */
	sold: number;
	/**
	 * orderId → quantity this order holds of the product. Set in the same atomic update that moves
	 * the units, and removed in the same update that moves them on: the stock record itself says
	 * which orders' lines have been taken, so a crash between two lines leaves nothing to guess.
	 */
	holds: Record<string, number>;
	/** orderId → quantity being put back after a sale; present only while that cancellation is under way. */
	returns: Record<string, number>;
	updatedAt: number;
	/** Set once the catalog no longer has the product (stock-list.ts): the admin's list leaves it out. */
	retired?: true;
}

/**
 * Resting states: held, committed, rejected, released, expired. The others mean "under way" and
 * are written before the stock moves, so whoever picks up a half-done reservation (the next call
 * for that order, or the sweeper) knows which way to finish it:
 *
 *   reserving ──all lines taken──▶ held ──commit──▶ committing ──▶ committed
 *       │                            │                                 │
 *       └─short / abandoned─▶ releasing (→ rejected | released | expired)   release ▼
 *                                                            returning ──▶ unmarking ──▶ released
 */
export type ReservationState =
	| "reserving"
	| "held"
	| "rejected"
	| "committing"
	| "committed"
	| "releasing"
	| "returning"
	| "unmarking"
	| "released"
	| "expired";

export const RESTING_STATES: ReadonlySet<ReservationState> = new Set(["held", "rejected", "committed", "released", "expired"]);
export const IN_FLIGHT_STATES: ReservationState[] = ["reserving", "committing", "releasing", "returning", "unmarking"];

export interface ReservationDoc extends Doc {
	/** _id is the order id. */
	state: ReservationState;
	/** Merged and sorted (lib/inventory/lines.ts); empty for a release that came before any reserve. */
	lines: OrderLine[];
	/** Where "releasing" ends. */
	releaseTo: "rejected" | "released" | "expired" | null;
	/** The lines that were short, kept with a rejection. */
	short: ShortLine[] | null;
	/** ms since the epoch; a held reservation gives its stock back after this. */
	expiresAt: number;
	/**
	 * One call at a time works on an order: the holder's token, valid until lockedUntil (ms).
	 * A holder that dies leaves a lock that runs out; the sweeper then finishes its work.
	 */
	lock: string | null;
	lockedUntil: number;
	/**
	 * When the sweeper should look at this reservation (ms): a held one when it expires, one under
	 * way when its lock runs out. Absent once it rests for good (committed, released, expired,
	 * rejected), so the sweep's sparse index holds only what may need settling, not every order ever.
	 */
	sweepAt?: number;
	/** Bumped by every write, so that each write changes the document (MongoDB counts only changed ones). */
	rev: number;
	createdAt: number;
	updatedAt: number;
}

/** What callers see of a reservation. */
export function toReservation(doc: ReservationDoc): Reservation {
	const status: Reservation["status"] =
		doc.state === "committed" ? "committed" : doc.state === "expired" ? "expired" : doc.state === "held" ? "held" : "released";
	return { orderId: doc._id, status, lines: doc.lines, expiresAt: new Date(doc.expiresAt).toISOString() };
}

/** When the sweeper should look at a reservation in this state, or null: it never needs to. */
export function sweepAtOf(doc: Pick<ReservationDoc, "state" | "expiresAt" | "lockedUntil">): number | null {
	if (doc.state === "held") return doc.expiresAt;
	return IN_FLIGHT_STATES.includes(doc.state) ? doc.lockedUntil : null;
}

/** The update that keeps `sweepAt` in step with a write that leaves the reservation as `doc`. */
export function sweepAtUpdate(doc: Pick<ReservationDoc, "state" | "expiresAt" | "lockedUntil">): { $set?: { sweepAt: number }; $unset?: { sweepAt: true } } {
	const at = sweepAtOf(doc);
	return at === null ? { $unset: { sweepAt: true } } : { $set: { sweepAt: at } };
}
