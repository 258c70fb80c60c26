// The stock ledger: stock levels, and the reservations that checkout takes, commits and releases.
// It works on two stores only (no state in memory), so any number of inventory instances may
// share one database: the conditional updates in ./moves.ts decide every race.
//
// How a reservation survives a crash at any point:
// - its record is written, with every line, before any stock moves ("reserving");
// - each line's stock moves in one atomic update that also marks the stock record with the
//   order id (./moves.ts), so which lines moved is never a guess;
// - every later step writes its intent first ("committing", "releasing", "returning"), so a
//   call that finds a half-done reservation knows which way to finish it (settle()).
// One call at a time works on an order (a lock with a lease in the reservation record): the
// duplicates that checkout's retries produce wait for the first call and return its outcome.
import crypto from "node:crypto";
import { isDuplicateKey, type Filter, type Store } from "../../mixins/db.mixin";
import type { OrderLine } from "./inventory.contract";
import { ConflictError, NotFoundError, OutOfStockError, type ShortLine } from "../../lib/errors";
import { sleep } from "../../lib/time";
import { ReservationBusyError, ReservationMismatchError, ReservationStateError, StockHeldError } from "./errors";
import { mergeLines, sameLines } from "./lines";
import { sell, take, unhold, restock, unmark, type Move } from "./moves";
import { IN_FLIGHT_STATES, sweepAtOf, sweepAtUpdate, type ReservationDoc, type ReservationState, type StockDoc } from "./records";

export interface LedgerOptions {
	/** How long a held reservation keeps its stock. */
	reservationTtlMs: number;
	/** How long one call may hold an order before another may take over (far longer than a call takes). */
	lockLeaseMs: number;
	/** How long a call waits for another call on the same order before answering "busy, retry". */
	lockWaitMs: number;
	/** The clock (ms since the epoch); tests move it. */
	now(): number;
	/** A held reservation reached its end unbought and its stock went back (for the shop's metrics). */
	onExpired?(): void;
	/** Told which products' availability changed, after each call that changed some. */
	onChange(productIds: string[]): void;
	warn(message: string, err: unknown): void;
}

/** A state under way to write with the lock, when the reservation is as `only` says. */
interface Intent {
	only: Filter;
	state: Extract<ReservationState, "committing">;
}

/** One call's hold on an order. */
interface Session {
	doc: ReservationDoc;
	token: string;
	locked: boolean;
	/** Products whose availability this call changed. */
	touched: Set<string>;
}

const SWEEP_BATCH = 100;
const SET_ATTEMPTS = 20;
const TAKE_ATTEMPTS = 3;

export function newStock(productId: string, onHand: number, now: number): StockDoc {
	return { _id: productId, available: onHand, reserved: 0, sold: 0, holds: {}, returns: {}, updatedAt: now };
}

export class StockLedger {
	constructor(
		readonly stock: Store<StockDoc>,
		readonly reservations: Store<ReservationDoc>,
		private readonly opts: LedgerOptions,
	) {}

	/** Available quantity per known product id; unknown ids are absent. One indexed read. */
	async availability(productIds: string[]): Promise<Record<string, number>> {
		const docs = await this.stock.findByIds([...new Set(productIds)]);
		return Object.fromEntries(docs.map(doc => [doc._id, doc.available]));
	}

	level(productId: string): Promise<StockDoc | null> {
		return this.stock.findOne({ _id: productId });
	}

	/** Creates the stock records that are missing (a first start, or products new in the seed). */
	async addMissing(entries: { productId: string; onHand: number }[]): Promise<number> {
		const existing = new Set((await this.stock.findByIds(entries.map(e => e.productId))).map(doc => doc._id));
		let added = 0;
		for (const { productId, onHand } of entries) {
			if (existing.has(productId)) continue;
			try {
				await this.stock.insert(newStock(productId, onHand, this.opts.now()));
				added++;
			} catch (err) {
				if (!isDuplicateKey(err)) throw err; // another instance added it first
			}
		}
		return added;
	}

	/**
	 * Sets the units on hand. Never below what open orders hold (409): those units are promised.
	 * A product without a record gets one when `create` says so (null otherwise).
	 */
	async setOnHand(productId: string, onHand: number, create: boolean): Promise<StockDoc | null> {
		for (let attempt = 0; attempt < SET_ATTEMPTS; attempt++) {
			const now = this.opts.now();
			const doc = await this.level(productId);
			if (!doc) {
				if (!create) return null;
				const fresh = newStock(productId, onHand, now);
				try {
					await this.stock.insert(fresh);
				} catch (err) {
					if (isDuplicateKey(err)) continue;
					throw err;
				}
				this.opts.onChange([productId]);
				return fresh;
			}
			if (onHand < doc.reserved) throw new StockHeldError(productId, onHand, doc.reserved);
			if (onHand === doc.available + doc.reserved) return doc;
			const available = onHand - doc.reserved;
			// The new `available` is right only for this `reserved`: write it only if nothing moved since the read.
			const filter = { _id: productId, available: doc.available, reserved: doc.reserved };
			if (await this.stock.updateMany(filter, { $set: { available, updatedAt: now } })) {
				this.opts.onChange([productId]);
				return { ...doc, available, updatedAt: now };
			}
		}
		throw new ConflictError(`The stock of ${productId} is changing too fast to set; try again`, "STOCK_BUSY", { productId });
	}

	/** Holds every line for the order, or none (OutOfStockError naming each short line). */
	async reserve(orderId: string, requested: OrderLine[]): Promise<ReservationDoc> {
		const lines = mergeLines(requested);
		const s = (await this.lock(orderId, now => this.newReservation(orderId, lines, now))) as Session;
		return this.run(s, async () => {
			// An earlier attempt of this same call (timed out, or its node died): carry on where it stopped.
			if (s.doc.state === "reserving" && sameLines(s.doc.lines, lines)) return this.takeAll(s);
			await this.settle(s);
			switch (s.doc.state) {
				case "rejected":
					// Out of stock last time; stock may have come back since.
					await this.save(s, { state: "reserving", lines, short: null, expiresAt: this.opts.now() + this.opts.reservationTtlMs });
					return this.takeAll(s);
				case "held":
					if (this.isExpired(s.doc)) {
						await this.expire(s);
						throw new ReservationStateError(orderId, "expired", "reserve");
					}
					if (!sameLines(s.doc.lines, lines)) throw new ReservationMismatchError(orderId);
					return s.doc;
				case "committed":
					if (!sameLines(s.doc.lines, lines)) throw new ReservationMismatchError(orderId);
					return s.doc;
				default:
					// Released (perhaps by a compensation that overtook this call) or expired: never held again.
					throw new ReservationStateError(orderId, s.doc.state, "reserve");
			}
		});
	}

	/** The sale: held units leave the shelf. After expiry it is a 409 and the stock is back on sale. */
	async commit(orderId: string): Promise<ReservationDoc> {
		// Usually the reservation is held, unexpired and free: one write takes the lock and writes
		// the intent. It is the write the lock and then "committing" were, in one conditional update:
		// a crash after it leaves "committing" under a lock, as a crash after those two did.
		const s = (await this.tryLock(orderId, { only: { state: "held", expiresAt: { $gt: this.opts.now() } }, state: "committing" })) ?? (await this.lock(orderId));
		if (!s) throw new NotFoundError(`Reservation for order ${orderId}`);
		return this.run(s, async () => {
			if (s.doc.state !== "committing") {
				await this.settle(s);
				if (s.doc.state === "held") {
					if (this.isExpired(s.doc)) {
						await this.expire(s);
						throw new ReservationStateError(orderId, "expired", "commit");
					}
					await this.save(s, { state: "committing" });
				}
			}
			// The sale's last write also lets go of the order: one write fewer. A crash before it
			// leaves "committing" under the lock, finished like any other (settle); after it,
			// there is nothing left to finish, and nobody has to wait for the lock to run out.
			await this.settle(s, true);
			if (s.doc.state !== "committed") throw new ReservationStateError(orderId, s.doc.state, "commit");
			return s.doc;
		});
	}

	/**
	 * Gives held units back; after a commit, puts the sold units back (a cancelled order). For an
	 * order it has never seen it records the release, so a reserve that arrives late holds nothing.
	 */
	async release(orderId: string): Promise<ReservationDoc> {
		const s = (await this.lock(orderId, now => ({ ...this.newReservation(orderId, [], now), state: "released" }))) as Session;
		return this.run(s, async () => {
			await this.settle(s);
			if (s.doc.state === "held") await this.save(s, { state: "releasing", releaseTo: "released" });
			else if (s.doc.state === "committed") await this.save(s, { state: "returning" });
			else if (s.doc.state === "rejected") await this.save(s, { state: "released" });
			await this.settle(s);
			return s.doc;
		});
	}

	/**
	 * Gives back the stock of reservations past their time, and finishes the work of calls that
	 * stopped half-way (their node died, their database connection dropped). Safe to run on every
	 * instance at once: each reservation is handled under its lock. Returns how many it handled.
	 */
	async sweep(): Promise<number> {
		let handled = 0;
		for (;;) {
			const now = this.opts.now();
			// Through the sparse index on `sweepAt`: reads what is due, never the orders long settled.
			const due = await this.reservations.find({ query: { sweepAt: { $lte: now } }, limit: SWEEP_BATCH });
			let progress = 0;
			for (const { _id } of due) {
				try {
					const s = await this.tryLock(_id);
					if (!s) continue; // a live call has it and will finish it
					await this.run(s, async () => {
						await this.settle(s);
						if (s.doc.state === "held" && this.isExpired(s.doc)) await this.expire(s);
					});
					progress++;
				} catch (err) {
					this.opts.warn(`Could not settle the reservation of order ${_id}`, err);
				}
			}
			handled += progress;
			if (due.length < SWEEP_BATCH || progress === 0) return handled;
		}
	}

	/**
	 * Gives `sweepAt` to reservations stored before it existed that may still need settling (held
	 * or under way), so that the sweep finds them. A no-op once done; run at start.
	 */
	async backfillSweepAt(): Promise<number> {
		const legacy = await this.reservations.find({ query: { state: { $in: ["held", ...IN_FLIGHT_STATES] }, sweepAt: { $exists: false } } });
		for (const doc of legacy) await this.reservations.updateMany({ _id: doc._id, rev: doc.rev }, { $set: { sweepAt: sweepAtOf(doc) ?? 0 }, $inc: { rev: 1 } });
		return legacy.length;
	}

	// --- Steps -------------------------------------------------------------------------------

	private async takeAll(s: Session): Promise<ReservationDoc> {
		const short: ShortLine[] = [];
		for (const line of s.doc.lines) {
			const missing = short.length ? await this.shortfall(s, line) : await this.takeLine(s, line);
			if (missing) short.push(missing);
		}
		if (short.length) {
			await this.save(s, { state: "releasing", releaseTo: "rejected", short });
			await this.settle(s);
			throw new OutOfStockError(short);
		}
		await this.save(s, { state: "held" }, true);
		return s.doc;
	}

	/** Takes one line; what is missing when there is not enough. */
	private async takeLine(s: Session, line: OrderLine): Promise<ShortLine | null> {
		for (let attempt = 1; ; attempt++) {
			if (await this.move(s, take, line)) {
				s.touched.add(line.productId);
				return null;
			}
			const { held, available } = await this.standing(s, line);
			if (held) return null;
			// Enough again (someone gave stock back since the update): try again, a few times.
			if (available < line.quantity || attempt === TAKE_ATTEMPTS) return { productId: line.productId, requested: line.quantity, available };
		}
	}

	/** What is missing for a line, without taking it (once another line was short). */
	private async shortfall(s: Session, line: OrderLine): Promise<ShortLine | null> {
		const { held, available } = await this.standing(s, line);
		return held || available >= line.quantity ? null : { productId: line.productId, requested: line.quantity, available };
	}

	/** Whether the order holds the line already (an earlier attempt of the same call took it), and what is available. */
	private async standing(s: Session, line: OrderLine): Promise<{ held: boolean; available: number }> {
		const doc = await this.level(line.productId);
		return { held: doc?.holds?.[s.doc._id] !== undefined, available: doc?.available ?? 0 };
	}

	private async expire(s: Session): Promise<void> {
		await this.save(s, { state: "releasing", releaseTo: "expired" });
		await this.settle(s);
	}

	/**
	 * Finishes whatever an earlier call left under way, so that the reservation is in a resting
	 * state. `last`: the caller writes nothing after it, so the write that comes to rest unlocks.
	 */
	private async settle(s: Session, last = false): Promise<void> {
		for (;;) {
			const lines = s.doc.lines;
			switch (s.doc.state) {
				case "reserving":
					// We hold the lock, so nobody is taking its lines any more: let go of what was taken.
					await this.save(s, { state: "releasing", releaseTo: "rejected" });
					break;
				case "committing":
					for (const line of lines) await this.move(s, sell, line);
					await this.save(s, { state: "committed" }, last);
					break;
				case "releasing": {
					for (const line of lines) if (await this.move(s, unhold, line)) s.touched.add(line.productId);
					const resting = s.doc.releaseTo ?? "released";
					await this.save(s, { state: resting, releaseTo: null });
					if (resting === "expired") this.opts.onExpired?.();
					break;
				}
				case "returning":
					for (const line of lines) if (await this.move(s, restock, line)) s.touched.add(line.productId);
					// Every line is back: only now may the marks go (a mark is what stops a second return).
					await this.save(s, { state: "unmarking" });
					break;
				case "unmarking":
					for (const line of lines) await this.move(s, unmark, line);
					await this.save(s, { state: "released" });
					break;
				default:
					return;
			}
		}
	}

	/** One stock move for one line of the session's order; true when it happened now. */
	private async move(s: Session, build: (orderId: string, line: OrderLine, now: number) => Move, line: OrderLine): Promise<boolean> {
		const now = this.opts.now();
		// Our lock ran out (a very long pause): another call may be working on this order now.
		if (now >= s.doc.lockedUntil) throw new ReservationBusyError(s.doc._id, `The lock on order ${s.doc._id} ran out`);
		const { filter, update } = build(s.doc._id, line, now);
		return (await this.stock.updateMany(filter, update)) === 1;
	}

	// --- The lock on an order ----------------------------------------------------------------

	private newReservation(orderId: string, lines: OrderLine[], now: number): ReservationDoc {
		return {
			_id: orderId,
			state: "reserving",
			lines,
			releaseTo: null,
			short: null,
			expiresAt: now + this.opts.reservationTtlMs,
			lock: null,
			lockedUntil: 0,
			rev: 0,
			createdAt: now,
			updatedAt: now,
		};
	}

	private isExpired(doc: ReservationDoc): boolean {
		return this.opts.now() >= doc.expiresAt;
	}

	/**
	 * Takes the order's lock if it is free; null when it is not, or when there is no such
	 * reservation. With an `intent`, only if the reservation is as `intent.only` says, and it
	 * moves to `intent.state` (one under way) in the same write.
	 */
	private async tryLock(orderId: string, intent?: Intent): Promise<Session | null> {
		const token = crypto.randomUUID();
		const now = this.opts.now();
		const lockedUntil = now + this.opts.lockLeaseMs;
		// Under way from here: the sweeper looks at it once the lock has run out (see sweepAtOf).
		const set = { lock: token, lockedUntil, ...(intent && { state: intent.state, updatedAt: now, sweepAt: lockedUntil }) };
		if (!(await this.reservations.updateMany({ ...intent?.only, _id: orderId, lockedUntil: { $lte: now } }, { $set: set, $inc: { rev: 1 } }))) return null;
		const doc = await this.reservations.findOne({ _id: orderId });
		return doc && { doc, token, locked: true, touched: new Set() };
	}

	/**
	 * Waits for the order's lock. `create` makes the reservation when there is none, already
	 * locked by this call; without it, a missing reservation gives null.
	 */
	private async lock(orderId: string, create?: (now: number) => ReservationDoc): Promise<Session | null> {
		const giveUpAt = Date.now() + this.opts.lockWaitMs;
		for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
			const held = await this.tryLock(orderId);
			if (held) return held;
			if (create) {
				const token = crypto.randomUUID();
				const now = this.opts.now();
				const fresh = { ...create(now), lock: token, lockedUntil: now + this.opts.lockLeaseMs };
				const sweepAt = sweepAtOf(fresh);
				const doc = sweepAt === null ? fresh : { ...fresh, sweepAt };
				try {
					await this.reservations.insert(doc);
					return { doc, token, locked: true, touched: new Set() };
				} catch (err) {
					if (!isDuplicateKey(err)) throw err; // else a concurrent call created it: wait for its lock
				}
			} else if (!(await this.reservations.count({ query: { _id: orderId } }))) {
				return null;
			}
			if (Date.now() >= giveUpAt) throw new ReservationBusyError(orderId);
			await sleep(pause);
		}
	}

	/** Writes the reservation, only while this call holds its lock; each write renews the lease. */
	private async save(s: Session, patch: Partial<ReservationDoc>, unlock = false): Promise<void> {
		const now = this.opts.now();
		const set: Partial<ReservationDoc> = { ...patch, updatedAt: now, ...(unlock ? { lock: null, lockedUntil: 0 } : { lockedUntil: now + this.opts.lockLeaseMs }) };
		const { $set: due, $unset } = sweepAtUpdate({ ...s.doc, ...set });
		if ((await this.reservations.updateMany({ _id: s.doc._id, lock: s.token }, { $set: { ...set, ...due }, ...($unset && { $unset }), $inc: { rev: 1 } })) !== 1) {
			s.locked = false;
			throw new ReservationBusyError(s.doc._id, `Another call took over order ${s.doc._id}`);
		}
		Object.assign(s.doc, set, due);
		if ($unset) delete s.doc.sweepAt;
		s.doc.rev++;
		if (unlock) s.locked = false;
	}

	/** Runs one call's work on an order, then lets go of the order and announces what changed. */
	private async run<T>(s: Session, work: () => Promise<T>): Promise<T> {
		try {
			return await work();
		} finally {
			if (s.locked) {
				// Work left under way (an error stopped it) is due for the sweeper at once.
				const { $set: due, $unset } = sweepAtUpdate({ ...s.doc, lockedUntil: 0 });
				const unlocked = { $set: { lock: null, lockedUntil: 0, updatedAt: this.opts.now(), ...due }, ...($unset && { $unset }), $inc: { rev: 1 } };
				// If even this fails, the lease runs out and the sweeper finishes the work.
				await this.reservations.updateMany({ _id: s.doc._id, lock: s.token }, unlocked).catch(err => this.opts.warn(`Could not unlock order ${s.doc._id}`, err));
				s.locked = false;
			}
			if (s.touched.size) this.opts.onChange([...s.touched]);
		}
	}
}
