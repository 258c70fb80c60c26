// How carts are stored and changed safely when requests for the same cart overlap.
import { ConflictError } from "../../lib/errors";
import { isDuplicateKey, type Doc, type Store } from "../../mixins/db.mixin";
import type { CartLineRef } from "./cart.contract";

/** A guest cart's lines on their way into a user's cart (see the cart service's merge). */
export interface MergeClaim {
	/** `<guest key>@<version>`: names this one merge, so applying it twice is recognised. */
	id: string;
	userId: string;
	lines: CartLineRef[];
}

export interface CartDoc extends Doc {
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

export type CartPatch = Partial<Pick<CartDoc, "lines" | "merges" | "claim" | "removals">>;

const MAX_ATTEMPTS = 8;

/**
 * Applies `change` to the current cart as one atomic step (optimistic concurrency on `version`):
 * two requests adding to the same cart at once both count, none overwrites the other. `change`
 * returns null when there is nothing to do, and may throw to refuse. `stamp` adds the fields
 * every write sets, from the lines written. A missing cart is created.
 */
export async function updateCart(
	store: Store<CartDoc>,
	key: string,
	change: (current: CartDoc | null) => CartPatch | null,
	stamp: (lines: CartLineRef[]) => Partial<CartDoc>,
): Promise<CartDoc | null> {
	for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		const current = await store.findOne({ _id: key });
		const patch = change(current);
		if (!patch) return current;
		const lines = patch.lines ?? current?.lines ?? [];
		if (!current) {
			try {
				return await store.insert({ _id: key, version: 1, ...stamp(lines), ...patch, lines } as CartDoc);
			} catch (err) {
				if (isDuplicateKey(err)) continue;
				throw err;
			}
		}
		const set = { ...stamp(lines), ...patch, version: current.version + 1 };
		if ((await store.updateMany({ _id: key, version: current.version }, { $set: set })) === 1) return { ...current, ...set };
	}
	throw new ConflictError("The cart is being changed by other requests right now; try again", "CART_BUSY");
}
