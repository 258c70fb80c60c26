// Where carts are kept. The service reads and writes carts through `CartStore` only, so one
// service runs on either store: the shop's document store (NeDB, or MongoDB; db-store.ts) or
// Redis (redis-store.ts). Both keep the same promise: a write applies only to the version it
// was computed from, so two requests changing one cart at once never overwrite each other.
import type { CartLineRef } from "./cart.contract";

/** A guest cart's lines on their way into a user's cart (see the cart service's merge). */
export interface MergeClaim {
	/** `<guest key>@<version>`: names this one merge, so applying it twice is recognised. */
	id: string;
	userId: string;
	lines: CartLineRef[];
}

export interface CartDoc {
	/** The cart's key (keys.ts): `u:<user id>` or `g:<hash of the guest id>`. */
	_id: string;
	lines: CartLineRef[];
	/** Bumped by every change; a write applies only to the version it was computed from. */
	version: number;
	updatedAt: string;
	/** Guest carts only: epoch ms after which the cart is forgotten unless used again. */
	expiresAt?: number;
	/** Guest carts only: a merge taken from this cart and not yet known to be applied. */
	claim?: MergeClaim;
	/** User carts only: the last merges applied, so a repeated merge changes nothing. */
	merges?: string[];
	/** User carts only: the keys of the last orders whose lines were taken out, so a repeat takes nothing more. */
	removals?: string[];
}

/** What a write sets; the store sets `version` itself. */
export type CartFields = Partial<Omit<CartDoc, "_id" | "version">>;

export interface CartStore {
	/** The cart stored under `key`, expired or not; null when none is. */
	read(key: string): Promise<CartDoc | null>;
	/**
	 * Sets `fields` on the cart at `key` as version `version + 1`, only if it is still at
	 * `version` (0: only if no cart is stored there yet). False when another write came first.
	 */
	write(key: string, version: number, fields: CartFields): Promise<boolean>;
	/** Moves a stored guest cart's expiry to `expiresAt`; a cart that is gone stays gone. */
	touch(key: string, expiresAt: number): Promise<void>;
	/** Takes the claim `claimId` off the cart at `key`, if it is still there. */
	dropClaim(key: string, claimId: string): Promise<void>;
	/** Removes the guest carts whose time is up at `now`; returns how many. */
	removeExpired(now: number): Promise<number>;
	/** How many carts are stored. */
	count(): Promise<number>;
	/** Removes every cart (tests). */
	clear(): Promise<void>;
	close(): Promise<void>;
}

/** `fields` without the ones left undefined, which a store would otherwise write as null. */
export function definedFields(fields: CartFields): CartFields {
	return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
