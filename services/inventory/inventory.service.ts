// services/inventory/inventory.service.ts — stock levels, and the reservations that checkout takes,
// commits and releases. The rules live in ./ledger.ts; this file is the service around them: who
// may call what, events, and the periodic sweep that gives expired reservations back.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { DbMixin, type DbVars, type Store } from "../../mixins/db.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { call } from "../../lib/call";
import { implement } from "../../lib/contract";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { inventoryConfig } from "../../lib/config";
import { NotFoundError } from "../../lib/errors";
import { broadcast } from "../../lib/emit";
import type { ShopContext } from "../../lib/meta";
import type { Events } from "../../lib/events";
import { StockLedger } from "./ledger";
import { listStock } from "./stock-list";
import { toReservation, type ReservationDoc, type StockDoc } from "./records";
import { sweepIntervalFor } from "./settings";
import { InventoryContract, type StockLevel } from "./inventory.contract";
import { countShop } from "../../lib/shop-metrics";
import { idempotentRead } from "../../lib/read-policy";

const { reservationTtlMs } = inventoryConfig();
const DEFAULT_STOCK_PAGE = 20;

export interface InventorySettings extends ServiceSettingSchema {
	/** How long a reservation holds its stock (RESERVATION_TTL_MS, default 15 minutes). */
	reservationTtlMs: number;
	/** How often expired reservations are looked for. */
	sweepIntervalMs: number;
	/** How long one call may work on an order before another may take over from it. */
	lockLeaseMs: number;
	/** How long a duplicate call waits for the first one before answering "busy, retry". */
	lockWaitMs: number;
}

interface InventoryMethods extends ClockMethods {
	announce(productIds: string[]): void;
	settleDue(): Promise<void>;
	productExists(ctx: ShopContext, productId: string): Promise<boolean>;
}

interface InventoryVars extends DbVars {
	adapter: Store<StockDoc>;
	/** The second collection (`this.stores.reservations`), named for the ledger. */
	reservations: Store<ReservationDoc>;
	ledger: StockLedger;
}

type InventoryThis = Service<InventorySettings> & InventoryMethods & InventoryVars;

function stockLevel(doc: StockDoc): StockLevel {
	return { productId: doc._id, onHand: doc.available + doc.reserved, reserved: doc.reserved, available: doc.available };
}

const InventoryService: ServiceSchema<InventorySettings, InventoryMethods, InventoryVars> = {
	name: InventoryContract.name,
	// Started last-first: both stores, then the sweep; stopped the other way round.
	mixins: [
		PeriodicWork<InventorySettings>({ name: "reservations", every: s => s.sweepIntervalMs, run: "settleDue" }),
		Clock,
		DbMixin("stock", {
			indexes: [{ fields: ["available"] }],
			collections: {
				// The sweep's index: only reservations that may need settling carry `sweepAt`. None on
				// `state`: NeDB keeps a key's documents in one list, and every later write to one of the
				// thousands of committed reservations would scan it (9 % of a checkout's CPU after
				// 4,000 orders). The one query by state, the backfill at start, scans once.
				reservations: { indexes: [{ fields: ["sweepAt"], sparse: true }] },
			},
		}),
	],

	settings: {
		reservationTtlMs,
		sweepIntervalMs: sweepIntervalFor(reservationTtlMs),
		lockLeaseMs: 10_000,
		lockWaitMs: 1_500,
	},

	actions: implement<InventoryThis>()(InventoryContract, {
		/**
		 * GET /api/inventory/:productId. A catalog product has stock from the moment it exists: one
		 * created a moment ago, whose `products.changed` has not been heard yet, gets its 0 now.
		 */
		get: {
			...idempotentRead(3_000), // Safe to repeat elsewhere (it may ask products, 2 s): reads a stock level (a new product's 0 record is created idempotently).
			auth: "public",
			async handler(ctx) {
				const { productId } = ctx.params;
				let doc = await this.ledger.level(productId);
				if (!doc && (await this.productExists(ctx, productId))) {
					await this.ledger.addMissing([{ productId, onHand: 0 }]);
					doc = await this.ledger.level(productId);
				}
				if (!doc) throw new NotFoundError(`Stock of product ${productId}`);
				return stockLevel(doc);
			},
		},

		/**
		 * PUT /api/inventory/:productId — sets the units on hand; what open orders hold stays held,
		 * so onHand below `reserved` is a 409. A catalog product without stock yet (one an admin
		 * just created) gets its stock record here; an id the catalog does not know is a 404.
		 */
		set: {
			auth: "admin",
			async handler(ctx) {
				const { productId, onHand } = ctx.params;
				let doc = await this.ledger.setOnHand(productId, onHand, false);
				if (!doc && (await this.productExists(ctx, productId))) doc = await this.ledger.setOnHand(productId, onHand, true);
				if (!doc) throw new NotFoundError(`Product ${productId}`);
				return stockLevel(doc);
			},
		},

		/** GET /api/inventory (admin): the stock list, lowest first; the low-stock view is `?maxAvailable=`. */
		list: {
			auth: "admin",
			async handler(ctx) {
				const { maxAvailable, page = 1, pageSize = DEFAULT_STOCK_PAGE } = ctx.params;
				const { rows, total } = await listStock(this.adapter, { maxAvailable, page, pageSize }, ids =>
					call(ctx, "products.getMany", { ids }, { timeout: 2_000, ifDown: { fallback: null } }),
				);
				ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "X-Total-Count": String(total) };
				return rows;
			},
		},

		/** What the catalog and carts show, for a page of products in one call. A read: safe to retry. */
		availability: {
			...idempotentRead(), // Safe to repeat elsewhere: reads stock levels.
			visibility: "public",
			handler(ctx) {
				return this.ledger.availability(ctx.params.productIds);
			},
		},

		/** Holds an order's lines, all or none. Idempotent per orderId, so safe to retry. */
		reserve: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				return toReservation(await this.ledger.reserve(ctx.params.orderId, ctx.params.lines));
			},
		},

		/** The sale. 404 without a reservation, 409 once it expired or was released. Idempotent per orderId. */
		commit: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				return toReservation(await this.ledger.commit(ctx.params.orderId));
			},
		},

		/** Gives held stock back, or sold stock after a cancellation. Idempotent per orderId. */
		release: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				return toReservation(await this.ledger.release(ctx.params.orderId));
			},
		},
	}),

	events: {
		/** A product an admin created starts with a stock level (0), so its editor and its page find one. */
		"products.changed": {
			params: { ids: { type: "array", max: 1_000, items: "string|max:64" } },
			async handler(this: InventoryThis, ctx: ShopContext<Events["products.changed"]>) {
				const known = await call(ctx, "products.getMany", { ids: ctx.params.ids }, { timeout: 2_000, ifDown: { fallback: [] } });
				// Idempotent: every inventory instance hears it, and the first to insert wins.
				const added = await this.ledger.addMissing(known.map(p => ({ productId: p.id, onHand: 0 })));
				if (added) this.logger.info(`Gave ${added} new product(s) a stock level of 0`);
			},
		},
	},

	methods: {
		/** Every instance of every listener hears it: each node keeps its own caches. */
		announce(productIds: string[]): void {
			broadcast(this.broker, "inventory.changed", { productIds }).catch(err => this.logger.warn("Could not announce an inventory change", err));
		},

		/** Gives back the stock of expired reservations and finishes calls that stopped half-way. */
		async settleDue(): Promise<void> {
			const handled = await this.ledger.sweep();
			if (handled) this.logger.info(`Settled ${handled} expired or unfinished reservation(s)`);
		},

		async productExists(ctx: ShopContext, productId: string): Promise<boolean> {
			const found = await call(ctx, "products.getMany", { ids: [productId] }, { timeout: 2_000, ifDown: "fail" });
			return found.some(p => p.id === productId);
		},
	},

	created() {
		// Both stores exist now (the db mixin's created() ran first); they connect in started().
		this.reservations = this.stores.reservations as Store<ReservationDoc>;
		this.ledger = new StockLedger(this.adapter, this.reservations, {
			reservationTtlMs: this.settings.reservationTtlMs,
			lockLeaseMs: this.settings.lockLeaseMs,
			lockWaitMs: this.settings.lockWaitMs,
			now: () => this.now(),
			onChange: ids => this.announce(ids),
			onExpired: () => countShop(this.broker, "shop.reservations.expired.total"),
			warn: (message, err) => this.logger.warn(message, err),
		});
	},

	async started() {
		const upgraded = await this.ledger.backfillSweepAt();
		if (upgraded) this.logger.info(`Gave ${upgraded} reservation(s) from an older version their sweep time`);
		await this.ledger.addMissing(SEED_PRODUCTS.map(p => ({ productId: p.id, onHand: p.initialStock })));
		// Reservations that ran out while the service was down give their stock back before the first call.
		await this.settleDue().catch(err => this.logger.warn("Reservation sweep at start failed; the periodic one tries again", err));
	},
};

export default InventoryService;
