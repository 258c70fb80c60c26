// services/cart/cart.service.ts — shoppers' carts: one per signed-in user, and guest carts named by
// X-Cart-Id. A cart stores product ids and quantities only; every answer is priced from the
// catalog at the time of reading, so nothing the client says about prices is ever believed.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../../lib/config";
import { implement } from "../../lib/contract";
import type { ShopContext } from "../../lib/meta";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { CartContract, type Cart, type CartLineRef } from "./cart.contract";
import { Carts } from "./carts";
import { pricesIn, readAvailability, readCatalog, type CatalogSnapshot, type Prices } from "./catalog";
import { guestKey, isGuestId, newGuestId, userKey } from "./keys";
import { checkIncrease, checkRoom, idsWith, quantityOf, withQuantity } from "./lines";
import { priceCart } from "./pricing";
import { CartStorage, type CartStorageSettings } from "./storage";
import type { CartDoc } from "./store";
import { idempotentRead } from "../../lib/read-policy";

const DAY_MS = 24 * 60 * 60_000;

interface CartSettings extends ServiceSettingSchema, CartStorageSettings {
	baseCurrency: string;
	/** How often forgotten guest carts are removed from the document store; 0 never. (Redis forgets them by itself.) */
	sweepIntervalMs: number;
	/**
	 * How long products, inventory and currency get to answer: less than the gateway's own 3 s,
	 * so that when one is down the shopper hears which, rather than a bare timeout.
	 */
	callTimeoutMs: number;
}

/** Whose cart a request is about, and the cart as it was when the request began. */
interface Owner {
	key: string;
	guest: boolean;
	doc: CartDoc | null;
}

type PriceParams = { currency?: string };

interface CartMethods extends ClockMethods {
	ownCart(ctx: ShopContext): Promise<Owner>;
	change(ctx: ShopContext<PriceParams>, owner: Owner, snap: CatalogSnapshot | null, next: (lines: CartLineRef[]) => CartLineRef[] | null): Promise<Cart>;
	present(ctx: ShopContext<PriceParams>, lines: CartLineRef[], snap?: CatalogSnapshot | null, prices?: Prices): Promise<Cart>;
	sweepExpired(): Promise<number>;
}

interface CartVars {
	/** Opened by CartStorage when the service starts. */
	carts: Carts;
}

type CartThis = Service<CartSettings> & CartMethods & CartVars;

const CartService: ServiceSchema<CartSettings, CartMethods, CartVars> = {
	name: CartContract.name,
	mixins: [
		CartStorage,
		PeriodicWork<CartSettings>({ name: "sweep", every: s => (s.store ? 0 : s.sweepIntervalMs), run: "sweepExpired" }),
		Clock,
	],

	settings: {
		baseCurrency: config.baseCurrency,
		store: config.cartStore,
		/** A guest cart is forgotten after this long unused… */
		guestTtlMs: 30 * DAY_MS,
		/** …or after this long when it is empty: an id handed to a passing visitor costs little. */
		emptyGuestTtlMs: DAY_MS,
		sweepIntervalMs: 60 * 60_000,
		callTimeoutMs: 2_000,
	},

	actions: implement<CartThis>()(CartContract, {
		get: {
			...idempotentRead(3_000), // Safe to repeat elsewhere: reads a cart; a guest id is handed out, nothing is stored before a write.
			auth: "public",
			async handler(ctx) {
				const owner = await this.ownCart(ctx);
				return this.present(ctx, owner.doc?.lines ?? []);
			},
		},

		addItem: {
			auth: "public",
			async handler(ctx) {
				const { productId, quantity } = ctx.params;
				const owner = await this.ownCart(ctx);
				checkRoom(owner.doc?.lines ?? [], productId);
				const snap = await readCatalog(ctx, idsWith(owner.doc?.lines ?? [], productId), this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => {
					const target = quantityOf(lines, productId) + quantity;
					checkIncrease(snap, lines, productId, target);
					return withQuantity(lines, productId, target);
				});
			},
		},

		setItem: {
			auth: "public",
			async handler(ctx) {
				const { productId, quantity } = ctx.params;
				const owner = await this.ownCart(ctx);
				if (quantity > 0) checkRoom(owner.doc?.lines ?? [], productId);
				const snap = await readCatalog(ctx, idsWith(owner.doc?.lines ?? [], productId), this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => {
					const had = quantityOf(lines, productId);
					if (quantity === had) return null;
					// Fewer is always allowed, even of a product that is gone or short.
					if (quantity > had) checkIncrease(snap, lines, productId, quantity);
					return withQuantity(lines, productId, quantity);
				});
			},
		},

		removeItem: {
			auth: "public",
			async handler(ctx) {
				const { productId } = ctx.params;
				const owner = await this.ownCart(ctx);
				const rest = (owner.doc?.lines ?? []).filter(l => l.productId !== productId).map(l => l.productId);
				const snap = await readCatalog(ctx, rest, this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => (quantityOf(lines, productId) ? withQuantity(lines, productId, 0) : null));
			},
		},

		clear: {
			auth: "public",
			async handler(ctx) {
				const owner = await this.ownCart(ctx);
				return this.change(ctx, owner, null, lines => (lines.length ? [] : null));
			},
		},

		/**
		 * Internal, called by users at sign-in with the request's X-Cart-Id. In two steps, each
		 * atomic: the guest cart's lines are first taken out of it (a claim, so two sign-ins at once
		 * cannot both merge them), then added to the user's cart, which records the claim's id (so
		 * a repeat after a crash between the steps finishes the merge without adding twice).
		 */
		merge: {
			visibility: "public",
			async handler(ctx) {
				const { guestCartId, userId } = ctx.params;
				const claim = isGuestId(guestCartId) ? await this.carts.claimGuest(guestCartId, userId) : null;
				if (!claim) return { merged: false, lines: (await this.carts.read(userKey(userId)))?.lines ?? [], capped: [] };
				// Capped at what is available when inventory answers; when it does not, sign-in still
				// works and any line beyond stock is flagged when the cart is shown.
				const available = await readAvailability(ctx, claim.lines.map(l => l.productId), this.settings.callTimeoutMs);
				return this.carts.applyMerge(guestCartId, userId, claim, available);
			},
		},

		/** Internal, for checkout: the user's lines, unpriced (checkout prices them itself). A read, so safe to retry. */
		lines: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				return (await this.carts.read(userKey(ctx.params.userId)))?.lines ?? [];
			},
		},

		/**
		 * Internal, from the orders outbox after an order: takes the bought lines out of the user's
		 * cart, and only those, so what the shopper added meanwhile (another tab) stays. `key` is
		 * recorded in the same write, so a redelivery (a relay that timed out on a call that landed)
		 * takes nothing more, even after the shopper filled the cart again: safe to retry.
		 */
		removeOrdered: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				const { userId, key, lines } = ctx.params;
				return { applied: await this.carts.removeOrdered(userId, key, lines) };
			},
		},
	}),

	methods: {
		/**
		 * The caller's cart: the signed-in user's, else the guest cart named by X-Cart-Id. A guest
		 * cart is stored on its first write: until then a fresh id we signed names an empty cart.
		 * A guest without a live id gets a new one; either way the id goes back in X-Cart-Id.
		 */
		async ownCart(ctx: ShopContext): Promise<Owner> {
			const user = ctx.meta.user;
			if (user) {
				const key = userKey(user.id);
				return { key, guest: false, doc: await this.carts.read(key) };
			}

			const sent = isGuestId(ctx.meta.cartId) ? ctx.meta.cartId : null;
			const doc = sent ? await this.carts.liveGuest(sent) : null;
			const guestId = sent && (doc || this.carts.isFreshGuestId(sent)) ? sent : newGuestId(this.now());
			ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "X-Cart-Id": guestId };
			return { key: guestKey(guestId), guest: true, doc };
		},

		/**
		 * Writes `next(lines)` (null: nothing to write) and answers with the priced cart. Prices are
		 * converted before the write, so that an unknown currency (422) changes nothing.
		 */
		async change(ctx: ShopContext<PriceParams>, owner: Owner, snap: CatalogSnapshot | null, next: (lines: CartLineRef[]) => CartLineRef[] | null): Promise<Cart> {
			const prices = await pricesIn(ctx, snap?.products ?? new Map(), this.settings.baseCurrency, ctx.params.currency, this.settings.callTimeoutMs);
			const doc = await this.carts.update(owner.key, owner.guest, current => {
				const lines = next(current?.lines ?? []);
				return lines ? { lines } : null;
			});
			return this.present(ctx, doc?.lines ?? [], snap, prices);
		},

		/**
		 * The cart priced from `snap` (and `prices`, converted from it), read before the write so
		 * that a 503 means nothing changed. Lines added meanwhile by another request are not in it:
		 * then the catalog is read again.
		 */
		async present(ctx: ShopContext<PriceParams>, lines: CartLineRef[], snap?: CatalogSnapshot | null, prices?: Prices): Promise<Cart> {
			const ids = lines.map(l => l.productId);
			const covered = ids.every(id => snap?.asked.has(id));
			const catalog = covered && snap ? snap : await readCatalog(ctx, ids, this.settings.callTimeoutMs);
			const { currency, products } =
				covered && prices ? prices : await pricesIn(ctx, catalog.products, this.settings.baseCurrency, ctx.params.currency, this.settings.callTimeoutMs);
			return priceCart({ lines, products, available: catalog.available, currency });
		},

		/** Removes guest carts whose time is up; returns how many. Run by PeriodicWork. */
		sweepExpired(): Promise<number> {
			return this.carts.removeExpired();
		},
	},
};

export default CartService;
