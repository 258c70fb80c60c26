// services/cart.service.ts — shoppers' carts: one per signed-in user, and guest carts named by
// X-Cart-Id. A cart stores product ids and quantities only; every answer is priced from the
// catalog at the time of reading, so nothing the client says about prices is ever believed.
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../../lib/config";
import { ConflictError, NotFoundError, OutOfStockError, ServiceDownError } from "../../lib/errors";
import { CURRENCIES } from "../currency/rates";
import { pricesIn, readAvailability, readCatalog, type CatalogSnapshot } from "./catalog";
import { guestKey, isGuestId, newGuestId, userKey } from "./keys";
import { MAX_LINES, MAX_QUANTITY, mergeLines, quantityOf, withQuantity, withoutOrdered } from "./lines";
import { priceCart } from "./pricing";
import { updateCart, type CartDoc, type MergeClaim } from "./store";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import type { ParamsOf, ResultOf } from "../../lib/call";
import type { Cart, CappedLine, CartLineRef } from "./cart.contract";
import type { ShopContext } from "../../lib/meta";

const DAY_MS = 24 * 60 * 60_000;
/** A guest cart's expiry is pushed back by reads at most this often, so reading is not a write. */
const TOUCH_EVERY_MS = 60 * 60_000;
/** How many applied merges a user's cart remembers, to recognise a repeat. */
const REMEMBERED_MERGES = 20;
/** How many orders' removals a user's cart remembers: a repeat comes seconds later (a relay retry), not 50 orders later. */
const REMEMBERED_REMOVALS = 50;

const CURRENCY = { type: "enum", values: Object.keys(CURRENCIES), optional: true } as const;
// The catalog's ids are at most 64 characters too.
const PRODUCT_ID = { type: "string", min: 1, max: 64 } as const;

interface CartSettings extends ServiceSettingSchema {
	baseCurrency: string;
	/** A guest cart is forgotten after this long unused. */
	guestTtlMs: number;
	/** …or after this long when it is empty: an id handed to a passing visitor costs little. */
	emptyGuestTtlMs: number;
	/** How often forgotten guest carts are removed from the store; 0 never. */
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

interface CartMethods {
	now(): number;
	ownCart(ctx: ShopContext): Promise<Owner>;
	liveGuestCart(guestId: string): Promise<CartDoc | null>;
	change(ctx: ShopContext<{ currency?: string }>, owner: Owner, snap: CatalogSnapshot | null, next: (lines: CartLineRef[]) => CartLineRef[] | null): Promise<Cart>;
	stampFor(guest: boolean): (lines: CartLineRef[]) => Partial<CartDoc>;
	present(ctx: ShopContext<{ currency?: string }>, lines: CartLineRef[], snap?: CatalogSnapshot | null): Promise<Cart>;
	checkIncrease(snap: CatalogSnapshot, lines: CartLineRef[], productId: string, target: number): void;
	claimGuestCart(guestCartId: string, userId: string): Promise<MergeClaim | null>;
	sweepExpired(): Promise<number>;
}

interface CartVars {
	adapter: Store<CartDoc>;
	sweepTimer?: NodeJS.Timeout;
}

const CartService: ServiceSchema<CartSettings, CartMethods, CartVars> = {
	name: "cart",
	mixins: [DbMixin("carts", { indexes: [{ fields: ["expiresAt"] }] })],

	settings: {
		baseCurrency: config.baseCurrency,
		guestTtlMs: 30 * DAY_MS,
		emptyGuestTtlMs: DAY_MS,
		sweepIntervalMs: 60 * 60_000,
		callTimeoutMs: 2_000,
	},

	actions: {
		/** GET /api/cart */
		get: {
			auth: "public",
			params: { $$strict: true, currency: CURRENCY },
			async handler(ctx: ShopContext<ParamsOf<"cart.get">>): Promise<ResultOf<"cart.get">> {
				const owner = await this.ownCart(ctx);
				return this.present(ctx, owner.doc?.lines ?? []);
			},
		},

		/** POST /api/cart/items: adds to the quantity already there. */
		addItem: {
			auth: "public",
			params: {
				$$strict: true,
				productId: PRODUCT_ID,
				quantity: { type: "number", integer: true, min: 1, max: MAX_QUANTITY },
				currency: CURRENCY,
			},
			async handler(ctx: ShopContext<ParamsOf<"cart.addItem">>): Promise<ResultOf<"cart.addItem">> {
				const { productId, quantity } = ctx.params;
				const owner = await this.ownCart(ctx);
				checkRoom(owner.doc?.lines ?? [], productId);
				const snap = await readCatalog(ctx, idsOf(owner.doc, productId), this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => {
					const target = quantityOf(lines, productId) + quantity;
					this.checkIncrease(snap, lines, productId, target);
					return withQuantity(lines, productId, target);
				});
			},
		},

		/** PUT /api/cart/items/:productId: sets the quantity; 0 removes the line. */
		setItem: {
			auth: "public",
			params: {
				$$strict: true,
				productId: PRODUCT_ID,
				quantity: { type: "number", integer: true, min: 0, max: MAX_QUANTITY },
				currency: CURRENCY,
			},
			async handler(ctx: ShopContext<ParamsOf<"cart.setItem">>): Promise<ResultOf<"cart.setItem">> {
				const { productId, quantity } = ctx.params;
				const owner = await this.ownCart(ctx);
				if (quantity > 0) checkRoom(owner.doc?.lines ?? [], productId);
				const snap = await readCatalog(ctx, idsOf(owner.doc, productId), this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => {
					const had = quantityOf(lines, productId);
					if (quantity === had) return null;
					// Fewer is always allowed, even of a product that is gone or short.
					if (quantity > had) this.checkIncrease(snap, lines, productId, quantity);
					return withQuantity(lines, productId, quantity);
				});
			},
		},

		/** DELETE /api/cart/items/:productId; removing a line that is not there is not an error. */
		removeItem: {
			auth: "public",
			params: { $$strict: true, productId: PRODUCT_ID, currency: CURRENCY },
			async handler(ctx: ShopContext<ParamsOf<"cart.removeItem">>): Promise<ResultOf<"cart.removeItem">> {
				const { productId } = ctx.params;
				const owner = await this.ownCart(ctx);
				const rest = (owner.doc?.lines ?? []).filter(l => l.productId !== productId).map(l => l.productId);
				const snap = await readCatalog(ctx, rest, this.settings.callTimeoutMs);
				return this.change(ctx, owner, snap, lines => (quantityOf(lines, productId) ? withQuantity(lines, productId, 0) : null));
			},
		},

		/** DELETE /api/cart */
		clear: {
			auth: "public",
			params: { $$strict: true, currency: CURRENCY },
			async handler(ctx: ShopContext<ParamsOf<"cart.clear">>): Promise<ResultOf<"cart.clear">> {
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
			params: { $$strict: true, guestCartId: "string|min:1|max:200", userId: "string|min:1|max:128" },
			async handler(ctx: ShopContext<ParamsOf<"cart.merge">>): Promise<ResultOf<"cart.merge">> {
				const { guestCartId, userId } = ctx.params;
				const key = userKey(userId);
				const claim = await this.claimGuestCart(guestCartId, userId);
				if (!claim) return { merged: false, lines: (await this.adapter.findOne({ _id: key }))?.lines ?? [], capped: [] };

				// Capped at what is available when inventory answers; when it does not, sign-in still
				// works and any line beyond stock is flagged when the cart is shown.
				const available = await readAvailability(ctx, claim.lines.map(l => l.productId), this.settings.callTimeoutMs);
				let capped = null as CappedLine[] | null; // stays null when this claim was applied before
				const doc = await updateCart(
					this.adapter,
					key,
					current => {
						capped = null;
						if (current?.merges?.includes(claim.id)) return null;
						const merged = mergeLines(current?.lines ?? [], claim.lines, available);
						capped = merged.capped;
						return { lines: merged.lines, merges: [...(current?.merges ?? []), claim.id].slice(-REMEMBERED_MERGES) };
					},
					this.stampFor(false),
				);
				await this.adapter.updateMany({ _id: guestKey(guestCartId), "claim.id": claim.id }, { $unset: { claim: true } });
				return { merged: capped !== null, lines: doc?.lines ?? [], capped: capped ?? [] };
			},
		},

		/** Internal, for checkout: the user's lines, unpriced (checkout prices them itself). */
		lines: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: { $$strict: true, userId: "string|min:1|max:128" },
			async handler(ctx: ShopContext<ParamsOf<"cart.lines">>): Promise<ResultOf<"cart.lines">> {
				return (await this.adapter.findOne({ _id: userKey(ctx.params.userId) }))?.lines ?? [];
			},
		},

		/**
		 * Internal, from the orders outbox after an order: takes the bought lines out of the user's
		 * cart, and only those, so what the shopper added meanwhile (another tab) stays. `key` is
		 * recorded in the same write, so a redelivery (a relay that timed out on a call that landed)
		 * takes nothing more, even after the shopper filled the cart again.
		 */
		removeOrdered: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: {
				$$strict: true,
				userId: "string|min:1|max:128",
				key: "string|min:1|max:200",
				// Loose bounds: a message refused here would never be delivered.
				lines: { type: "array", max: 1_000, items: { type: "object", strict: true, props: { productId: PRODUCT_ID, quantity: "number|integer|positive" } } },
			},
			async handler(ctx: ShopContext<ParamsOf<"cart.removeOrdered">>): Promise<ResultOf<"cart.removeOrdered">> {
				const { userId, key, lines } = ctx.params;
				let applied = false;
				await updateCart(
					this.adapter,
					userKey(userId),
					current => {
						applied = !current?.removals?.includes(key);
						if (!applied) return null;
						return { lines: withoutOrdered(current?.lines ?? [], lines), removals: [...(current?.removals ?? []), key].slice(-REMEMBERED_REMOVALS) };
					},
					this.stampFor(false),
				);
				return { applied };
			},
		},
	},

	methods: {
		/** The clock; tests replace it to move through days. */
		now(): number {
			return Date.now();
		},

		/**
		 * The caller's cart: the signed-in user's, else the guest cart named by X-Cart-Id. A guest
		 * without a live cart id gets a new cart; either way its id goes back in X-Cart-Id.
		 */
		async ownCart(ctx: ShopContext): Promise<Owner> {
			const user = ctx.meta.user;
			if (user) {
				const key = userKey(user.id);
				return { key, guest: false, doc: await this.adapter.findOne({ _id: key }) };
			}

			const sent = ctx.meta.cartId;
			let guestId = isGuestId(sent) ? sent : null;
			let doc = guestId ? await this.liveGuestCart(guestId) : null;
			if (!guestId || !doc) {
				guestId = newGuestId();
				doc = await this.adapter.insert({ _id: guestKey(guestId), lines: [], version: 1, ...this.stampFor(true)([]) } as CartDoc);
			}
			ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "X-Cart-Id": guestId };
			return { key: doc._id, guest: true, doc };
		},

		/** The guest cart `guestId` names, unless it expired; a read pushes its expiry back. */
		async liveGuestCart(guestId: string): Promise<CartDoc | null> {
			const doc = await this.adapter.findOne({ _id: guestKey(guestId) });
			if (!doc || (doc.expiresAt ?? 0) <= this.now()) return null;
			const expiresAt = this.stampFor(true)(doc.lines).expiresAt as number;
			if (expiresAt - (doc.expiresAt ?? 0) > TOUCH_EVERY_MS) await this.adapter.updateMany({ _id: doc._id }, { $set: { expiresAt } });
			return doc;
		},

		/** Writes `next(lines)` (null: nothing to write) and answers with the priced cart. */
		async change(ctx: ShopContext<{ currency?: string }>, owner: Owner, snap: CatalogSnapshot | null, next: (lines: CartLineRef[]) => CartLineRef[] | null): Promise<Cart> {
			const doc = await updateCart(
				this.adapter,
				owner.key,
				current => {
					const lines = next(current?.lines ?? []);
					return lines ? { lines } : null;
				},
				this.stampFor(owner.guest),
			);
			return this.present(ctx, doc?.lines ?? [], snap);
		},

		/** The fields every write sets; a guest cart's life starts again from now. */
		stampFor(guest: boolean): (lines: CartLineRef[]) => Partial<CartDoc> {
			return (lines: CartLineRef[]): Partial<CartDoc> => {
				const now = this.now();
				const updatedAt = new Date(now).toISOString();
				if (!guest) return { updatedAt };
				return { updatedAt, expiresAt: now + (lines.length ? this.settings.guestTtlMs : this.settings.emptyGuestTtlMs) };
			};
		},

		/**
		 * The cart priced from `snap`, read before the write so that a 503 means nothing changed.
		 * Lines added meanwhile by another request are not in it: then the catalog is read again.
		 */
		async present(ctx: ShopContext<{ currency?: string }>, lines: CartLineRef[], snap?: CatalogSnapshot | null): Promise<Cart> {
			const ids = lines.map(l => l.productId);
			const catalog = snap && ids.every(id => snap.asked.has(id)) ? snap : await readCatalog(ctx, ids, this.settings.callTimeoutMs);
			const { currency, products } = await pricesIn(ctx, catalog.products, this.settings.baseCurrency, ctx.params.currency, this.settings.callTimeoutMs);
			return priceCart({ lines, products, available: catalog.available, currency });
		},

		/** Refuses to raise a line to `target` unless the product exists, fits the rules and is in stock. */
		checkIncrease(snap: CatalogSnapshot, lines: CartLineRef[], productId: string, target: number): void {
			if (!snap.products.has(productId)) throw new NotFoundError("Product", { productId });
			if (target > MAX_QUANTITY) {
				throw new ConflictError(`A cart holds at most ${MAX_QUANTITY} of one product`, "QUANTITY_LIMIT", { productId, max: MAX_QUANTITY, inCart: quantityOf(lines, productId) });
			}
			checkRoom(lines, productId);
			// Never let an unknown quantity through: without inventory, adding waits.
			if (!snap.available) throw new ServiceDownError("inventory");
			const available = snap.available.get(productId) ?? 0;
			if (target > available) throw new OutOfStockError([{ productId, requested: target, available }]);
		},

		/**
		 * Takes the lines out of a live guest cart into a claim for `userId`, or finds the claim a
		 * previous, unfinished merge for the same user left. Null when there is nothing to merge.
		 */
		async claimGuestCart(guestCartId: string, userId: string): Promise<MergeClaim | null> {
			if (!isGuestId(guestCartId)) return null;
			const key = guestKey(guestCartId);
			for (let attempt = 0; attempt < 8; attempt++) {
				const guest = await this.liveGuestCart(guestCartId);
				if (!guest) return null;
				if (guest.claim) return guest.claim.userId === userId ? guest.claim : null;
				if (!guest.lines.length) return null;
				const claim: MergeClaim = { id: `${key}@${guest.version}`, userId, lines: guest.lines };
				const taken = await this.adapter.updateMany(
					{ _id: key, version: guest.version },
					{ $set: { lines: [], claim, version: guest.version + 1, ...this.stampFor(true)([]) } },
				);
				if (taken === 1) return claim;
			}
			throw new ConflictError("The guest cart is being changed right now; try again", "CART_BUSY");
		},

		/** Removes guest carts whose time is up; returns how many. */
		async sweepExpired(): Promise<number> {
			return this.adapter.removeMany({ expiresAt: { $lte: this.now() } });
		},
	},

	started() {
		if (this.settings.sweepIntervalMs > 0) {
			this.sweepTimer = setInterval(() => {
				this.sweepExpired().catch((err: unknown) => this.logger.warn("Sweeping expired guest carts failed", err));
			}, this.settings.sweepIntervalMs);
			this.sweepTimer.unref();
		}
	},

	stopped() {
		clearInterval(this.sweepTimer);
	},
};

/** Refuses a new product once the cart holds as many as it may (checked before reading the catalog for them all). */
function checkRoom(lines: CartLineRef[], productId: string): void {
	if (lines.length >= MAX_LINES && !quantityOf(lines, productId)) {
		throw new ConflictError(`A cart holds at most ${MAX_LINES} different products`, "CART_FULL", { max: MAX_LINES });
	}
}

/** The product ids of a cart, and `extra`. */
function idsOf(doc: CartDoc | null, extra: string): string[] {
	return [...new Set([...(doc?.lines ?? []).map(l => l.productId), extra])];
}

export default CartService;
