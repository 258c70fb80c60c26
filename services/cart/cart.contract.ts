// What other services may know of the cart: its actions' params and results. Carts hold product
// ids and quantities; prices are read from the catalog when a cart is shown.
import { action, as, contract, type ActionsOf } from "../../lib/contract";
import { currencyParam } from "../currency/currency.contract";

/** Most of one product a cart may hold. */
export const MAX_QUANTITY = 99;

// The catalog's ids are at most 64 characters too.
const PRODUCT_ID = { type: "string", min: 1, max: 64 } as const;
const USER_ID = "string|min:1|max:128";

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
 * `currency` (from `?currency=`) shows the answer converted; an unknown code is a 422.
 */
export const CartContract = contract("cart", {
	/** GET /api/cart */
	get: action({ params: { $$strict: true, currency: currencyParam }, result: as<Cart>() }),
	/** POST /api/cart/items: adds to the quantity already there. */
	addItem: action({
		params: { $$strict: true, productId: PRODUCT_ID, quantity: { type: "number", integer: true, min: 1, max: MAX_QUANTITY }, currency: currencyParam },
		result: as<Cart>(),
	}),
	/** PUT /api/cart/items/:productId: sets the quantity; 0 removes the line. */
	setItem: action({
		params: { $$strict: true, productId: PRODUCT_ID, quantity: { type: "number", integer: true, min: 0, max: MAX_QUANTITY }, currency: currencyParam },
		result: as<Cart>(),
	}),
	/** DELETE /api/cart/items/:productId; removing a line that is not there is not an error. */
	removeItem: action({ params: { $$strict: true, productId: PRODUCT_ID, currency: currencyParam }, result: as<Cart>() }),
	/** DELETE /api/cart */
	clear: action({ params: { $$strict: true, currency: currencyParam }, result: as<Cart>() }),
	/**
	 * Merge a guest cart into a user's cart at sign-in (internal): quantities add up, capped at 99
	 * and at what is available; the guest cart ends empty; a repeat does nothing. Needs neither
	 * products nor inventory to be up, so sign-in never fails because of them.
	 */
	merge: action({ params: { $$strict: true, guestCartId: "string|min:1|max:200", userId: USER_ID }, result: as<MergeResult>() }),
	/** The lines of a user's cart, for checkout (internal). */
	lines: action({ params: { $$strict: true, userId: USER_ID }, result: as<CartLineRef[]>() }),
	/**
	 * Take an order's lines out of its buyer's cart (internal, from the orders outbox): each
	 * quantity goes down by what was bought, never below 0; whatever else is in the cart stays.
	 * `key` names the order's message: a repeat of a key already applied changes nothing and
	 * answers `applied: false`.
	 */
	removeOrdered: action({
		params: {
			$$strict: true,
			userId: USER_ID,
			key: "string|min:1|max:200",
			// Loose bounds: a message refused here would never be delivered.
			lines: { type: "array", max: 1_000, items: { type: "object", strict: true, props: { productId: PRODUCT_ID, quantity: "number|integer|positive" } } },
		},
		result: as<{ applied: boolean }>(),
	}),
});

export type CartActions = ActionsOf<typeof CartContract>;
