// Every read and write of carts, with their lifetimes: changes applied atomically (retried on a
// version conflict), guest carts' expiry, and the two steps of a merge. Knows no store: it is
// given one (store.ts), and the service's clock.
import { ConflictError } from "../../lib/errors";
import type { CappedLine, CartLineRef, MergeResult } from "./cart.contract";
import { guestKey, issuedAt, userKey } from "./keys";
import { mergeLines, withoutOrdered } from "./lines";
import type { CartDoc, CartFields, CartStore, MergeClaim } from "./store";

/** A guest cart's expiry is pushed back by reads at most this often, so reading is not a write. */
const TOUCH_EVERY_MS = 60 * 60_000;
/** How many applied merges a user's cart remembers, to recognise a repeat. */
const REMEMBERED_MERGES = 20;
/** How many orders' removals a user's cart remembers: a repeat comes seconds later (a relay retry), not 50 orders later. */
const REMEMBERED_REMOVALS = 50;
/** Tries of one change against concurrent writers before the caller hears 409 CART_BUSY. */
const MAX_ATTEMPTS = 8;

export interface GuestLifetimes {
	/** A guest cart is forgotten after this long unused… */
	guestTtlMs: number;
	/** …or after this long when it is empty. */
	emptyGuestTtlMs: number;
}

/** Computes a change from the cart as stored (null: none yet); null means nothing to write. May throw to refuse. */
export type Change = (current: CartDoc | null) => CartFields | null;

export class Carts {
	constructor(
		readonly store: CartStore,
		private readonly now: () => number,
		private readonly lifetimes: GuestLifetimes,
	) {}

	read(key: string): Promise<CartDoc | null> {
		return this.store.read(key);
	}

	/** The guest cart `guestId` names, unless it is not stored or expired; a read pushes its expiry back. */
	async liveGuest(guestId: string): Promise<CartDoc | null> {
		const doc = await this.store.read(guestKey(guestId));
		if (!doc || (doc.expiresAt ?? 0) <= this.now()) return null;
		const expiresAt = this.expiryOf(doc.lines);
		if (expiresAt - (doc.expiresAt ?? 0) > TOUCH_EVERY_MS) await this.store.touch(doc._id, expiresAt);
		return doc;
	}

	/**
	 * Whether `guestId` is one we issued recently enough to name a cart not stored yet: an empty
	 * cart lives `emptyGuestTtlMs`, stored or not. (A stored cart outlives that once written to.)
	 */
	isFreshGuestId(guestId: string): boolean {
		const at = issuedAt(guestId);
		return at !== null && at + this.lifetimes.emptyGuestTtlMs > this.now();
	}

	/** When a guest cart holding `lines` is forgotten if nobody uses it from now on. */
	expiryOf(lines: readonly CartLineRef[]): number {
		return this.now() + (lines.length ? this.lifetimes.guestTtlMs : this.lifetimes.emptyGuestTtlMs);
	}

	/**
	 * Applies `change` to the current cart as one atomic step (optimistic concurrency on
	 * `version`): two requests adding to the same cart at once both count, none overwrites the
	 * other. A missing cart is created. Every write stamps `updatedAt`, and a guest cart's life
	 * starts again from now.
	 */
	async update(key: string, guest: boolean, change: Change): Promise<CartDoc | null> {
		for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			const current = await this.store.read(key);
			const patch = change(current);
			if (!patch) return current;
			const fields = { ...this.stamp(guest, patch.lines ?? current?.lines ?? []), ...patch };
			const version = current?.version ?? 0;
			if (await this.store.write(key, version, fields)) return { lines: [], ...current, ...fields, _id: key, version: version + 1 } as CartDoc;
			await contended(attempt);
		}
		throw new ConflictError("The cart is being changed by other requests right now; try again", "CART_BUSY");
	}

	/**
	 * Merge, step one: takes the lines out of a live guest cart into a claim for `userId`, or
	 * finds the claim a previous, unfinished merge for the same user left. Null when there is
	 * nothing to merge.
	 */
	async claimGuest(guestId: string, userId: string): Promise<MergeClaim | null> {
		const key = guestKey(guestId);
		for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			const guest = await this.liveGuest(guestId);
			if (!guest) return null;
			if (guest.claim) return guest.claim.userId === userId ? guest.claim : null;
			if (!guest.lines.length) return null;
			const claim: MergeClaim = { id: `${key}@${guest.version}`, userId, lines: guest.lines };
			if (await this.store.write(key, guest.version, { ...this.stamp(true, []), lines: [], claim })) return claim;
			await contended(attempt);
		}
		throw new ConflictError("The guest cart is being changed right now; try again", "CART_BUSY");
	}

	/**
	 * Merge, step two: adds the claimed lines to the user's cart, which records the claim's id
	 * (so a repeat after a crash between the steps adds nothing twice), then lets the guest cart go.
	 */
	async applyMerge(guestId: string, userId: string, claim: MergeClaim, available: ReadonlyMap<string, number> | null): Promise<MergeResult> {
		let capped = null as CappedLine[] | null; // stays null when this claim was applied before
		const doc = await this.update(userKey(userId), false, current => {
			capped = null;
			if (current?.merges?.includes(claim.id)) return null;
			const merged = mergeLines(current?.lines ?? [], claim.lines, available);
			capped = merged.capped;
			return { lines: merged.lines, merges: [...(current?.merges ?? []), claim.id].slice(-REMEMBERED_MERGES) };
		});
		await this.store.dropClaim(guestKey(guestId), claim.id);
		return { merged: capped !== null, lines: doc?.lines ?? [], capped: capped ?? [] };
	}

	/** Takes an order's lines out of a user's cart once per `orderKey`; false when that key was applied before. */
	async removeOrdered(userId: string, orderKey: string, lines: readonly CartLineRef[]): Promise<boolean> {
		let applied = false;
		await this.update(userKey(userId), false, current => {
			applied = !current?.removals?.includes(orderKey);
			if (!applied) return null;
			return { lines: withoutOrdered(current?.lines ?? [], lines), removals: [...(current?.removals ?? []), orderKey].slice(-REMEMBERED_REMOVALS) };
		});
		return applied;
	}

	/** Removes guest carts whose time is up; returns how many. */
	removeExpired(): Promise<number> {
		return this.store.removeExpired(this.now());
	}

	/** The fields every write sets. */
	private stamp(guest: boolean, lines: readonly CartLineRef[]): CartFields {
		const updatedAt = new Date(this.now()).toISOString();
		return guest ? { updatedAt, expiresAt: this.expiryOf(lines) } : { updatedAt };
	}
}

/**
 * After a write lost to a concurrent one: a random pause that doubles with each try, so that many
 * writers of one cart spread out instead of colliding again in lockstep (with no pause, ten at
 * once need ten rounds, and the last ones run out of tries).
 */
function contended(attempt: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, Math.random() * 4 * 2 ** attempt));
}
