// Carts: lines hold product ids and quantities; prices are read from the catalog when shown.

/** What a cart stores, and what checkout reads: no name, no price, nothing the catalog owns. */
export interface CartLineRef {
	productId: string;
	quantity: number;
}

/** Why a line cannot be bought as it stands. */
export type CartLineProblem = "product-gone" | "not-enough-stock";

export interface CartLine {
	productId: string;
	/** null when the product is gone from the catalog (then `problem` is "product-gone"). */
	name: string | null;
	unitPrice: number | null;
	quantity: number;
	lineTotal: number | null;
	/** How many can be bought now; null when inventory cannot be asked right now. */
	available: number | null;
	/** Present only when the line cannot be bought as it stands. */
	problem?: CartLineProblem;
}

/** `subtotal` and `itemCount` cover the lines whose product still exists. */
export interface Cart {
	items: CartLine[];
	itemCount: number;
	subtotal: number;
	currency: string;
}

/** A line that a merge could not take in full: `kept` of the `requested` total made it. */
export interface CappedLine {
	productId: string;
	requested: number;
	kept: number;
}

export interface MergeResult {
	/** False when there was nothing to merge: unknown, expired or empty guest cart, or a repeat. */
	merged: boolean;
	/** The user's cart after the merge. */
	lines: CartLineRef[];
	capped: CappedLine[];
}

/**
 * The routed actions act on the caller's own cart: the signed-in user's (ctx.meta.user) or the
 * guest cart named by X-Cart-Id (ctx.meta.cartId). None takes an owner from the client.
 * `currency` (from `?currency=`) shows the answer converted.
 */
export interface CartActions {
	"cart.get": { params: { currency?: string }; result: Cart };
	"cart.addItem": { params: { productId: string; quantity: number; currency?: string }; result: Cart };
	"cart.setItem": { params: { productId: string; quantity: number; currency?: string }; result: Cart };
	"cart.removeItem": { params: { productId: string; currency?: string }; result: Cart };
	"cart.clear": { params: { currency?: string }; result: Cart };
	/**
	 * Merge a guest cart into a user's cart at sign-in (internal): quantities add up, capped at 99
	 * and at what is available; the guest cart ends empty; a repeat does nothing. Needs neither
	 * products nor inventory to be up, so sign-in never fails because of them.
	 */
	"cart.merge": { params: { guestCartId: string; userId: string }; result: MergeResult };
	/** The lines of a user's cart, for checkout (internal). */
	"cart.lines": { params: { userId: string }; result: CartLineRef[] };
	/**
	 * Take an order's lines out of its buyer's cart (internal, from the orders outbox): each
	 * quantity goes down by what was bought, never below 0; whatever else is in the cart stays.
	 * `key` names the order's message: a repeat of a key already applied changes nothing and
	 * answers `applied: false`.
	 */
	"cart.removeOrdered": { params: { userId: string; key: string; lines: CartLineRef[] }; result: { applied: boolean } };
}
