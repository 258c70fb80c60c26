// The orders store, and the lease that makes one orders instance at a time the runner of an
// order's saga. Every saga write is conditional on still holding the lease and renews it, so an
// instance that lost an order (it was too slow, another took over) can never write over it.
import { isDuplicateKey, type Store, type Update } from "../../mixins/db.mixin";
import type { OrderDoc } from "./model";

/** Another instance took the order over; the one that lost it must stop touching it. */
export class LeaseLostError extends Error {
	constructor(readonly orderId: string) {
		super(`Lost the lease on order ${orderId}`);
		this.name = "LeaseLostError";
	}
}

export class OrderRepo {
	constructor(
		readonly store: Store<OrderDoc>,
		/** This instance, as written in the leases it holds. */
		readonly owner: string,
		readonly leaseMs: number,
		readonly now: () => number,
	) {}

	iso(): string {
		return new Date(this.now()).toISOString();
	}

	byId(id: string): Promise<OrderDoc | null> {
		return this.store.findOne({ _id: id });
	}

	byIdemKey(idemKey: string): Promise<OrderDoc | null> {
		return this.store.findOne({ idemKey });
	}

	/** Null when an order with the same idempotency key exists already. */
	async insert(doc: OrderDoc): Promise<OrderDoc | null> {
		try {
			return await this.store.insert(doc);
		} catch (err) {
			if (isDuplicateKey(err)) return null;
			throw err;
		}
	}

	/** Writes `set` (and other operators) as the lease holder, renews the lease, and mirrors it in `doc`. */
	async advance(doc: OrderDoc, set: Record<string, unknown>, more: Update = {}): Promise<void> {
		const now = this.now();
		const until = now + this.leaseMs;
		const after = {
			open: (set.open ?? doc.open) as boolean,
			outboxDue: (set.outboxDue ?? doc.outboxDue) as boolean,
			recheckAt: ("recheckAt" in set ? set.recheckAt : doc.recheckAt) as number | undefined,
			lease: { owner: this.owner, until },
		};
		const update = withSweepAt({ ...more, $set: { ...set, "lease.until": until, updatedAt: this.iso() } }, nextSweepAt(after, now));
		const changed = await this.store.updateMany({ _id: doc._id, "lease.owner": this.owner }, update);
		if (changed !== 1) throw new LeaseLostError(doc._id);
		applyUpdate(doc, update);
	}

	/**
	 * Takes an open order whose lease ran out: a compare-and-set on the lease we saw, so of two
	 * instances trying at once exactly one gets it.
	 */
	async claim(doc: OrderDoc): Promise<boolean> {
		const lease = { owner: this.owner, until: this.now() + this.leaseMs };
		const update = { $set: { lease, sweepAt: lease.until } };
		const changed = await this.store.updateMany({ _id: doc._id, open: true, "lease.owner": doc.lease.owner, "lease.until": doc.lease.until }, update);
		if (changed === 1) applyUpdate(doc, update);
		return changed === 1;
	}

	/** Opens a saga on a settled order (a cancellation), if no other one runs. */
	async open(doc: OrderDoc, from: Record<string, unknown>, set: Record<string, unknown>): Promise<boolean> {
		const lease = { owner: this.owner, until: this.now() + this.leaseMs };
		const update = { $set: { ...set, open: true, lease, sweepAt: lease.until, updatedAt: this.iso() } };
		const changed = await this.store.updateMany({ _id: doc._id, open: false, ...from }, update);
		if (changed === 1) applyUpdate(doc, update);
		return changed === 1;
	}

	/**
	 * Orders the sweep should look at now: open ones nobody holds (their instance died, or gave
	 * up waiting for a service), messages waiting, rechecks due.
	 */
	due(limit: number): Promise<OrderDoc[]> {
		return this.store.find({ query: { sweepAt: { $lte: this.now() } }, limit });
	}
}

/** See OrderDoc.sweepAt. */
export function nextSweepAt(doc: Pick<OrderDoc, "open" | "outboxDue" | "recheckAt" | "lease">, now: number): number | undefined {
	if (doc.open) return doc.lease.until;
	if (doc.outboxDue) return now;
	return doc.recheckAt;
}

/** Adds setting (or, for undefined, removing) `sweepAt` to an update. */
export function withSweepAt(update: Update, sweepAt: number | undefined): Update {
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
