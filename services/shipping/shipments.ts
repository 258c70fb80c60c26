// How shipments are stored, how they move on over time, and what of them is shown.
import crypto from "node:crypto";
import type { Doc, Store } from "../../mixins/db.mixin";
import type { Address } from "../orders/orders.contract";
import type { Shipment, ShipmentItem, ShipmentStatus, ShippingZone } from "./shipping.contract";

export interface ShipmentDoc extends Doc {
	/** Unique: one shipment per order. */
	orderId: string;
	carrier: string;
	trackingId: string;
	zone: ShippingZone;
	status: ShipmentStatus;
	address: Address;
	items: ShipmentItem[];
	createdAt: string;
	updatedAt: string;
	shippedAt: string | null;
	deliveredAt: string | null;
	cancelledAt: string | null;
	// The two fields below exist only while there is something to do (sparse indexes): the sweep
	// reads what is due through them, never the delivered and cancelled parcels that pile up.
	// (Never null: NeDB's range queries would read every null through the index.)
	/** When the next move is due (ms since epoch); absent once nothing more happens by itself. */
	moveDueAt?: number;
	/**
	 * A move not yet announced: say it at or after this time (ms); absent once said. Whoever
	 * announces first pushes it on by a lease, so two sweepers do not both say it, and a crash
	 * between storing a move and announcing it only delays the announcement.
	 */
	announceDueAt?: number;
}

/**
 * What a cancel leaves when it finds nothing booked: it takes the order's one place in the store
 * (orderId is unique), so a booking sent before the cancel and landing after it is refused rather
 * than shipping goods for an order that was undone (like inventory's `released` and payments'
 * `voided` records). Never shown as a shipment; it never moves.
 */
export interface CancelMarkerDoc extends Doc {
	orderId: string;
	status: "cancelled";
	neverBooked: true;
	cancelledAt: string;
	updatedAt: string;
}

/** What the shipments collection holds. */
export type StoredShipment = ShipmentDoc | CancelMarkerDoc;

export function isBooking(doc: StoredShipment): doc is ShipmentDoc {
	return (doc as CancelMarkerDoc).neverBooked !== true;
}

export function cancelMarker(orderId: string, at: string): CancelMarkerDoc {
	return { _id: crypto.randomUUID(), orderId, status: "cancelled", neverBooked: true, cancelledAt: at, updatedAt: at };
}

export interface Timing {
	/** From booking to handing the parcel to the carrier. */
	shipAfterMs: number;
	/** From shipping to the doorstep. */
	deliverAfterMs: number;
}

export interface Move {
	from: ShipmentStatus;
	to: "shipped" | "delivered";
	/** When it happened: the time it was due, even if the sweeper saw it later (after a restart). */
	at: number;
	/** When the move after this one is due. */
	nextDueAt: number | null;
}

/** The move a shipment is due for at `now`, or null. */
export function dueMove(doc: Pick<ShipmentDoc, "status" | "moveDueAt">, now: number, timing: Timing): Move | null {
	const due = doc.moveDueAt;
	if (due === undefined || due > now) return null;
	if (doc.status === "booked") return { from: "booked", to: "shipped", at: due, nextDueAt: due + timing.deliverAfterMs };
	if (doc.status === "shipped") return { from: "shipped", to: "delivered", at: due, nextDueAt: null };
	return null;
}

/** A carrier-style tracking number: two letters of the carrier, ten characters, no look-alikes (0/O, 1/I). */
export function trackingId(carrier: string): string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const bytes = crypto.randomBytes(10);
	const body = Array.from(bytes, b => alphabet[b % alphabet.length]).join("");
	const prefix = carrier
		.split(/\s+/)
		.map(word => word[0])
		.join("")
		.slice(0, 2)
		.toUpperCase();
	return `${prefix}${body}`;
}

export function toShipment(doc: ShipmentDoc): Shipment {
	return {
		id: doc._id,
		orderId: doc.orderId,
		carrier: doc.carrier,
		trackingId: doc.trackingId,
		status: doc.status,
		createdAt: doc.createdAt,
		updatedAt: doc.updatedAt,
		shippedAt: doc.shippedAt,
		deliveredAt: doc.deliveredAt,
	};
}

/**
 * Shipments stored before the two sparse fields existed kept `dueAt` and `announceAt` (null once
 * done): moves them over, so parcels under way go on travelling. A no-op once done; run at start.
 */
export async function upgradeLegacy(store: Store<StoredShipment>): Promise<number> {
	let upgraded = 0;
	for (const [old, now] of [["dueAt", "moveDueAt"], ["announceAt", "announceDueAt"]] as const) {
		// `$gte: 0` matches numbers only: the nulls of finished parcels are left alone.
		const legacy = (await store.find({ query: { [old]: { $gte: 0 } } })) as unknown as Record<string, number>[];
		for (const doc of legacy) upgraded += await store.updateMany({ _id: doc._id, [old]: doc[old] }, { $set: { [now]: doc[old] }, $unset: { [old]: true } });
	}
	return upgraded;
}
