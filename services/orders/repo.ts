// The orders store, and the only code that writes to it. Two things are kept here so that no
// caller can forget them: `sweepAt` (when the sweep must next look at an order; see OrderDoc)
// is recomputed by every write, and every status change is announced (order.statusChanged)
// once it is stored.
//
// The lease makes one run at a time the runner of an order's saga. Every saga write is
// conditional on still holding it and renews it, so a run that lost its order (too slow, taken
// over) can never write over it. "Holding it" is the lease's sequence number, a fencing token,
// not the instance's name: a request stalled past its lease and the sweep of the same instance
// that took the order over are two runs, and only the later one may write.
import type { ServiceBroker } from "moleculer";
import { broadcast } from "../../lib/emit";
import { isDuplicateKey, type Filter, type Store, type Update } from "../../mixins/db.mixin";
import { retiredKey } from "./idempotency";
import type { Lease, OrderDoc, OutboxMessage } from "./model";
import type { OrderStatus } from "./orders.contract";
import type { ShipmentStatus } from "../shipping/shipping.contract";
import { countShop } from "../../lib/shop-metrics";

/** Another run took the order over; the one that lost it must stop touching it. */
export class LeaseLostError extends Error {
	constructor(readonly orderId: string) {
		super(`Lost the lease on order ${orderId}`);
		this.name = "LeaseLostError";
	}
}

/** Why an insert was refused: the Idempotency-Key or the buyer's cart is taken by another order. */
export type InsertConflict = "idempotency-key" | "cart";

type Announcer = Pick<ServiceBroker, "broadcast">;

export class OrderRepo {
	constructor(
		readonly store: Store<OrderDoc>,
		/** This instance, as written in the leases it holds. */
		readonly owner: string,
		readonly leaseMs: number,
		readonly now: () => number,
		/** Where status changes are announced (the service's broker). */
		private readonly announcer: Announcer,
	) {}

	iso(): string {
		return new Date(this.now()).toISOString();
	}

	/** A new lease for this instance, one past the `seq` it replaces. */
	lease(previous?: Lease): Lease {
		return { owner: this.owner, until: this.now() + this.leaseMs, seq: (previous?.seq ?? 0) + 1 };
	}

	byId(id: string): Promise<OrderDoc | null> {
		return this.store.findOne({ _id: id });
	}

	byIdemKey(idemKey: string): Promise<OrderDoc | null> {
		return this.store.findOne({ idemKey });
	}

	/** The buyer's order that holds their cart now, if any. */
	byCartLock(userId: string): Promise<OrderDoc | null> {
		return this.store.findOne({ cartLock: userId });
	}

	/** A page of orders, newest first, and how many match in all. */
	async page(query: Filter, offset: number, limit: number | undefined): Promise<{ rows: OrderDoc[]; total: number }> {
		const [rows, total] = await Promise.all([this.store.find({ query, sort: ["-createdAt"], offset, limit }), this.store.count({ query })]);
		return { rows, total };
	}

	/** Null when stored; else what another order already holds (its Idempotency-Key, or the cart). */
	async insert(doc: OrderDoc): Promise<InsertConflict | null> {
		try {
			await this.store.insert(doc);
			return null;
		} catch (err) {
			if (!isDuplicateKey(err)) throw err;
			// Which unique index refused it is not said alike by both stores: look.
			return doc.idemKey !== retiredKey(doc._id) && (await this.byIdemKey(doc.idemKey)) ? "idempotency-key" : "cart";
		}
	}

	/** Frees an expired Idempotency-Key for a new checkout. */
	async retireIdemKey(doc: OrderDoc): Promise<void> {
		await this.store.updateMany({ _id: doc._id, idemKey: doc.idemKey }, { $set: { idemKey: retiredKey(doc._id) } });
	}

	/** Writes `set` (and other operators) as the lease holder, renews the lease, and mirrors it in `doc`. */
	async advance(doc: OrderDoc, set: Record<string, unknown>, more: Update = {}): Promise<void> {
		const now = this.now();
		const until = now + this.leaseMs;
		const after = {
			open: (set.open ?? doc.open) as boolean,
			outboxDue: (set.outboxDue ?? doc.outboxDue) as boolean,
			recheckAt: ("recheckAt" in set ? set.recheckAt : doc.recheckAt) as number | undefined,
			lease: { ...doc.lease, until },
		};
		const update = withSweepAt({ ...more, $set: { ...set, "lease.until": until, updatedAt: this.iso() } }, nextSweepAt(after, now));
		// The fencing token: the lease this run claimed, not merely one this instance holds.
		const changed = await this.store.updateMany({ _id: doc._id, "lease.owner": this.owner, ...fence(doc.lease) }, update);
		if (changed !== 1) throw new LeaseLostError(doc._id);
		const before = doc.status;
		applyUpdate(doc, update);
		this.announceIfMoved(doc, before);
	}

	/**
	 * Takes an open order whose lease ran out: a compare-and-set on the lease we saw, so of two
	 * runs trying at once exactly one gets it. The new lease's `seq` fences the runs before it.
	 */
	async claim(doc: OrderDoc): Promise<boolean> {
		const lease = this.lease(doc.lease);
		const update = { $set: { lease, sweepAt: lease.until } };
		const changed = await this.store.updateMany(
			{ _id: doc._id, open: true, "lease.owner": doc.lease.owner, "lease.until": doc.lease.until },
			update,
		);
		if (changed === 1) applyUpdate(doc, update);
		return changed === 1;
	}

	/** Opens a saga on a settled order (a cancellation), if no other one runs. */
	async open(doc: OrderDoc, from: Record<string, unknown>, set: Record<string, unknown>): Promise<boolean> {
		const lease = this.lease(doc.lease);
		const update = { $set: { ...set, open: true, lease, sweepAt: lease.until, updatedAt: this.iso() } };
		const changed = await this.store.updateMany({ _id: doc._id, open: false, ...from }, update);
		if (changed === 1) applyUpdate(doc, update);
		return changed === 1;
	}

	/** Takes a failed order's recheck: true if this caller won it; it comes back at `retryAt` if this instance dies. */
	async claimRecheck(doc: OrderDoc, retryAt: number): Promise<boolean> {
		return (await this.store.updateMany({ _id: doc._id, recheckAt: doc.recheckAt }, { $set: { recheckAt: retryAt, sweepAt: retryAt } })) === 1;
	}

	/** The recheck claimed at `retryAt` is done. */
	async finishRecheck(doc: OrderDoc, retryAt: number, set: Record<string, unknown>): Promise<void> {
		const done = withSweepAt({ $set: { ...set, updatedAt: this.iso() }, $unset: { recheckAt: true } }, nextSweepAt({ ...doc, recheckAt: undefined }, this.now()));
		if ((await this.store.updateMany({ _id: doc._id, recheckAt: retryAt }, done)) === 1) applyUpdate(doc, done);
	}

	/**
	 * Records which outbox messages were acknowledged. With all of them sent, clears `outboxDue`
	 * (only if no message was added, and no saga opened, since `doc` was read); otherwise the
	 * sweep tries again after `retryAt`.
	 */
	async outboxDelivered(doc: OrderDoc, sent: string[], allSent: boolean, retryAt: number): Promise<void> {
		// Its lines out of the cart: the order no longer holds it (see cartCleared).
		const freesCart = doc.cartLock !== undefined && doc.outbox.some(m => m.kind === "removeOrdered" && sent.includes(m.key));
		const mark: Update = { $addToSet: { outboxSent: { $each: sent } }, ...(freesCart && { $unset: { cartLock: true } }) };
		const done = withSweepAt({ ...mark, $set: { outboxDue: false } }, nextSweepAt({ ...doc, outboxDue: false }, this.now()));
		if (allSent && (await this.store.updateMany({ _id: doc._id, outboxVersion: doc.outboxVersion, open: doc.open }, done)) === 1) {
			applyUpdate(doc, done);
			return;
		}
		if (sent.length) {
			await this.store.updateMany({ _id: doc._id }, mark);
			applyUpdate(doc, mark);
		}
		// Later, and behind the orders that are due now: a receiver that stays down must not keep
		// the sweep busy with the same messages while abandoned checkouts wait.
		if (!doc.open && (await this.store.updateMany({ _id: doc._id, open: false, outboxDue: true }, { $set: { sweepAt: retryAt } }))) doc.sweepAt = retryAt;
	}

	/** The bought lines have left the buyer's cart (message `key`): the order no longer holds it, before its other messages are acknowledged. */
	async cartCleared(doc: OrderDoc, key: string): Promise<void> {
		const update = { $addToSet: { outboxSent: key }, $unset: { cartLock: true } };
		await this.store.updateMany({ _id: doc._id }, update);
		applyUpdate(doc, update);
	}

	/**
	 * Moves a settled order on because its shipment did, with the message that says so; null when
	 * the order changed since `doc` was read (the caller reads it again).
	 */
	async followShipment(doc: OrderDoc, status: OrderStatus, shipment: ShipmentStatus, message: OutboxMessage): Promise<OrderDoc | null> {
		const now = this.now();
		const update = withSweepAt(
			{ $set: { status, "shipment.status": shipment, outboxDue: true, updatedAt: this.iso() }, $push: { outbox: message }, $inc: { outboxVersion: 1 } },
			nextSweepAt({ ...doc, outboxDue: true }, now),
		);
		if ((await this.store.updateMany({ _id: doc._id, status: doc.status, open: doc.open }, update)) !== 1) return null;
		const before = doc.status;
		applyUpdate(doc, update);
		this.announceIfMoved(doc, before);
		return doc;
	}

	/**
	 * Orders the sweep should look at now: open ones nobody holds (their instance died, or gave
	 * up waiting for a service), messages waiting, rechecks due.
	 */
	due(limit: number): Promise<OrderDoc[]> {
		return this.store.find({ query: { sweepAt: { $lte: this.now() } }, limit });
	}

	/** Settled orders whose shipment may still move them on. */
	following(statuses: OrderStatus[]): Promise<OrderDoc[]> {
		// A scan on NeDB: there is no cheap index for "in transit".
		return this.store.find({ query: { status: { $in: statuses }, open: false } });
	}

	private announceIfMoved(doc: OrderDoc, before: OrderStatus): void {
		if (doc.status === before) return;
		// An announcement, not a record: whoever must not miss a change reads the order (see lib/events.ts).
		const broker = this.announcer as ServiceBroker;
		void broadcast(broker, "order.statusChanged", { orderId: doc._id, userId: doc.userId, status: doc.status, at: doc.updatedAt }).catch(() => undefined);
		// The shop's figures move with the status that was written, once per move.
		if (doc.status === "confirmed") {
			countShop(broker, "shop.orders.confirmed.total");
			countShop(broker, "shop.revenue.total", { currency: doc.currency }, doc.total);
		} else if (doc.status === "failed") {
			countShop(broker, "shop.orders.failed.total", { reason: (doc.saga.failure?.type ?? "unknown").toLowerCase() });
		}
	}
}

/** Matches only the lease `held`: one claimed since (it bumped `seq`) does not match. */
function fence(held: Lease): Filter {
	// Orders written before leases had a sequence number have none; their first claim gives them one.
	return { "lease.seq": held.seq === undefined ? { $exists: false } : held.seq };
}

/** See OrderDoc.sweepAt. */
export function nextSweepAt(doc: Pick<OrderDoc, "open" | "outboxDue" | "recheckAt" | "lease">, now: number): number | undefined {
	if (doc.open) return doc.lease.until;
	if (doc.outboxDue) return now;
	return doc.recheckAt;
}

/** Adds setting (or, for undefined, removing) `sweepAt` to an update. */
function withSweepAt(update: Update, sweepAt: number | undefined): Update {
	if (sweepAt !== undefined) return { ...update, $set: { ...(update.$set as object), sweepAt } };
	return { ...update, $unset: { ...(update.$unset as object), sweepAt: true } };
}

/** Mirrors the operators the saga uses ($set with dotted paths, $push and $addToSet with $each, $inc, $unset) on a local copy. */
export function applyUpdate(doc: object, update: Update): void {
	const target = doc as Record<string, unknown>;
	for (const [op, fields] of Object.entries(update)) {
		for (const [path, value] of Object.entries(fields as Record<string, unknown>)) {
			const keys = path.split(".");
			const last = keys.pop() as string;
			let node = target;
			for (const k of keys) node = (node[k] ??= {}) as Record<string, unknown>;
			if (op === "$set") node[last] = structuredClone(value);
			else if (op === "$unset") delete node[last];
			else if (op === "$inc") node[last] = ((node[last] as number) ?? 0) + (value as number);
			else if (op === "$push") {
				const each = (value as { $each?: unknown[] }).$each ?? [value];
				node[last] = [...((node[last] as unknown[]) ?? []), ...structuredClone(each)];
			} else if (op === "$addToSet") {
				const each = (value as { $each?: unknown[] }).$each ?? [value];
				node[last] = [...new Set([...((node[last] as unknown[]) ?? []), ...each])];
			} else throw new Error(`applyUpdate does not know ${op}`);
		}
	}
}
