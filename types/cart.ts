// Carts: lines hold product ids and quantities; prices are read from the catalog when shown.

export interface CartLine {
	productId: string;
	name: string;
	unitPrice: number;
	quantity: number;
	lineTotal: number;
	/** Why the line cannot be bought as it stands, if it cannot. */
	problem?: "product-gone" | "not-enough-stock";
	available?: number | null;
}

export interface Cart {
	items: CartLine[];
	itemCount: number;
	subtotal: number;
	currency: string;
}

/** Who owns a cart: a signed-in user (from ctx.meta.user) or a guest cart id (from X-Cart-Id). */
export interface CartActions {
	"cart.get": { params: { currency?: string }; result: Cart };
	"cart.addItem": { params: { productId: string; quantity: number }; result: Cart };
	"cart.setItem": { params: { productId: string; quantity: number }; result: Cart };
	"cart.removeItem": { params: { productId: string }; result: Cart };
	"cart.clear": { params: Record<string, never>; result: Cart };
	/** Merge a guest cart into a user's cart at sign-in; the guest cart ends empty. */
	"cart.merge": { params: { guestCartId: string; userId: string }; result: Cart };
	/** The lines of a user's cart, for checkout (internal). */
	"cart.lines": { params: { userId: string }; result: { productId: string; quantity: number }[] };
	/** Empty a user's cart after an order (internal). */
	"cart.clearForUser": { params: { userId: string }; result: { cleared: boolean } };
}
