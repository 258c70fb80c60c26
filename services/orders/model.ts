// The stored order: the contract's fields, plus what the saga, the idempotency check and the
// outbox need. `toOrder` (view.ts) is the only way out to a caller.
import type { Doc } from "../../mixins/db.mixin";
import type { NotificationType } from "../notifications/notifications.contract";
import type { Order } from "./orders.contract";
import type { SagaPhase } from "./state";

/** An error as it was answered, kept so that a replayed request gets the same answer. */
export interface StoredError {
	name: string;
	message: string;
	code: number;
	type: string;
	data?: unknown;
}

/**
 * Something to tell another service after a state change, written in the same update as the
 * change and relayed until it is acknowledged. Keys are stable, and every receiver is
 * idempotent per key, so relaying twice is harmless and losing one is impossible.
 */
export type OutboxMessage =
	| { key: string; kind: "notify"; type: NotificationType }
	/** The order's lines (its `items`) leave the buyer's cart. */
	| { key: string; kind: "removeOrdered" };

export interface Lease {
	owner: string;
	until: number;
	seq: number;
}

/** The contract's Order (under `_id`), and the rest. */
export interface OrderDoc extends Doc, Omit<Order, "id"> {
	/** Where the shopper's messages go; taken from the token at checkout, never shown in `order`. */
	email: string;

	saga: {
		phase: SagaPhase;
		/** Forward steps whose outcome is written here. */
		done: number;
		/** Steps that may have taken effect when the checkout failed: what compensation undoes. */
		attempted: number;
		/** Whether the failed step's outcome is unknown (then a later recheck undoes once more). */
		uncertain: boolean;
		failure: StoredError | null;
	};
	/** True while a saga (checkout, compensation or cancellation) still has work to do. */
	open: boolean;
	/**
	 * Who is running the saga, and until when; past `until`, any orders instance may claim it.
	 * `seq` is the fencing token: every claim bumps it, each run carries the one it claimed, and
	 * every saga write filters on it, so a run whose lease was taken over (also by the same
	 * instance, e.g. its own sweep after a stall) can no longer write.
	 */
	lease: Lease;
	/** Undo once more at this time: a step sent without an answer may still land late. */
	recheckAt?: number;
	/**
	 * When the sweep must next look at this order, absent when nothing is left to do: the end of
	 * the lease while a saga is open, "now" while a message waits, else the recheck time. The one
	 * indexed field of all this: settled orders do not have it, so NeDB's index stays small.
	 */
	sweepAt?: number;

	/**
	 * The buyer's id while this order holds their cart (unique, sparse): from the draft until the
	 * bought lines have left the cart, or the checkout failed. A second checkout of the same cart
	 * meanwhile is a 409, so a double click never buys twice.
	 */
	cartLock?: string;

	/** `<userId>|<Idempotency-Key>`, or a unique placeholder: unique across orders. */
	idemKey: string;
	idemHash: string;
	idemExpiresAt: number;

	outbox: OutboxMessage[];
	/** Keys of the outbox messages that were acknowledged. */
	outboxSent: string[];
	/** Some message is not acknowledged yet: what the relay looks for. */
	outboxDue: boolean;
	/** Bumped with every message added, so the relay clears `outboxDue` only if none came meanwhile. */
	outboxVersion: number;
}
