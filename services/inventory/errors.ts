// Errors of the inventory that a caller can act on, beyond the shop-wide ones in lib/errors.ts.
import { Errors } from "moleculer";
import { ConflictError } from "../../lib/errors";
import type { ReservationState } from "./records";

/**
 * 409, retryable: another call for the same order is under way (a duplicate of this one, most
 * likely), or took over from this one. Asking again shortly gets the outcome of that call.
 */
export class ReservationBusyError extends Errors.MoleculerRetryableError {
	constructor(orderId: string, message = `Another call for order ${orderId} is under way; try again`) {
		super(message, 409, "RESERVATION_BUSY", { orderId });
		this.name = "ReservationBusyError";
	}
}

/** 409: the reservation is not in a state that allows this (e.g. commit after expiry). */
export class ReservationStateError extends ConflictError {
	constructor(orderId: string, state: ReservationState, wanted: string) {
		const type = state === "expired" ? "RESERVATION_EXPIRED" : "RESERVATION_STATE";
		super(`Cannot ${wanted} the reservation of order ${orderId}: it is ${state}`, type, { orderId, state });
		this.name = "ReservationStateError";
	}
}

/** 409: the same order id came with other lines than the reservation already has. */
export class ReservationMismatchError extends ConflictError {
	constructor(orderId: string) {
		super(`Order ${orderId} already has a reservation with other lines`, "RESERVATION_MISMATCH", { orderId });
		this.name = "ReservationMismatchError";
	}
}

/** 409: an admin asked for less stock on hand than open orders hold. */
export class StockHeldError extends ConflictError {
	constructor(productId: string, onHand: number, reserved: number) {
		super(`Cannot set ${productId} to ${onHand} on hand: open orders hold ${reserved}`, "STOCK_RESERVED", { productId, onHand, reserved });
		this.name = "StockHeldError";
	}
}
