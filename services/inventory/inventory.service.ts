// services/inventory.service.ts — stock levels, and the reservations that checkout takes, commits
// and releases. The rules live in lib/inventory/ledger.ts; this file is the service around them:
// params, who may call what, events, and the sweeper that gives expired reservations back.
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { createAdapter, DbMixin, ensureIndex, scheduleCompaction, type Store } from "../../mixins/db.mixin";
import { call, type ParamsOf, type ResultOf } from "../../lib/call";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { envInt } from "../../lib/config";
import { NotFoundError } from "../../lib/errors";
import { StockLedger } from "./ledger";
import { ORDER_ID_PATTERN } from "./moves";
import { toReservation, type ReservationDoc, type StockDoc } from "./records";
import { DEFAULT_RESERVATION_TTL_MS, sweepIntervalFor } from "./settings";
import type { StockLevel } from "./inventory.contract";
import type { ShopContext } from "../../lib/meta";
import { broadcast } from "../../lib/emit";

const PRODUCT_ID = { type: "string", min: 1, max: 64 };
const ORDER_ID = { type: "string", pattern: ORDER_ID_PATTERN, messages: { stringPattern: "An order id is 1–100 letters, digits, '-' or '_'" } };
const LINE = { type: "object", strict: true, props: { productId: PRODUCT_ID, quantity: { type: "number", integer: true, min: 1, max: 10_000 } } };

const reservationTtlMs = envInt("RESERVATION_TTL_MS", DEFAULT_RESERVATION_TTL_MS, 1);

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

interface InventoryMethods {
	/** The clock; tests replace it. */
	now(): number;
	announce(productIds: string[]): void;
	sweep(): Promise<void>;
	productExists(ctx: ShopContext, productId: string): Promise<boolean>;
}

interface InventoryVars {
	adapter: Store<StockDoc>;
	reservations: Store<ReservationDoc> & OwnAdapter;
	ledger: StockLedger;
	sweeper: NodeJS.Timeout | null;
	sweeping: Promise<void> | null;
}

/** The lifecycle of an adapter that the mixin does not manage for us. */
interface OwnAdapter {
	init(broker: unknown, service: unknown): void;
	connect(): Promise<void>;
	disconnect(): Promise<void>;
}

function stockLevel(doc: StockDoc): StockLevel {
	return { productId: doc._id, onHand: doc.available + doc.reserved, reserved: doc.reserved, available: doc.available };
}

const InventoryService: ServiceSchema<InventorySettings, InventoryMethods, InventoryVars> = {
	name: "inventory",
	mixins: [DbMixin("stock")],

	settings: {
		reservationTtlMs,
		sweepIntervalMs: sweepIntervalFor(reservationTtlMs),
		lockLeaseMs: 10_000,
		lockWaitMs: 1_500,
	},

	actions: {
		/** GET /api/inventory/:productId */
		get: {
			auth: "public",
			params: { $$strict: true, productId: PRODUCT_ID },
			async handler(ctx: ShopContext<ParamsOf<"inventory.get">>): Promise<ResultOf<"inventory.get">> {
				const doc = await this.ledger.level(ctx.params.productId);
				if (!doc) throw new NotFoundError(`Stock of product ${ctx.params.productId}`);
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
			params: { $$strict: true, productId: PRODUCT_ID, onHand: { type: "number", integer: true, min: 0, max: 1_000_000_000 } },
			async handler(ctx: ShopContext<ParamsOf<"inventory.set">>): Promise<ResultOf<"inventory.set">> {
				const { productId, onHand } = ctx.params;
				let doc = await this.ledger.setOnHand(productId, onHand, false);
				if (!doc && (await this.productExists(ctx, productId))) doc = await this.ledger.setOnHand(productId, onHand, true);
				if (!doc) throw new NotFoundError(`Product ${productId}`);
				return stockLevel(doc);
			},
		},

		/** What the catalog and carts show, for a page of products in one call. A read: safe to retry. */
		availability: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: { $$strict: true, productIds: { type: "array", max: 1_000, items: PRODUCT_ID } },
			handler(ctx: ShopContext<ParamsOf<"inventory.availability">>): Promise<ResultOf<"inventory.availability">> {
				return this.ledger.availability(ctx.params.productIds);
			},
		},

		/** Holds an order's lines, all or none (409 OutOfStock naming the short lines). Idempotent per orderId. */
		reserve: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: { $$strict: true, orderId: ORDER_ID, lines: { type: "array", min: 1, max: 100, items: LINE } },
			async handler(ctx: ShopContext<ParamsOf<"inventory.reserve">>): Promise<ResultOf<"inventory.reserve">> {
				return toReservation(await this.ledger.reserve(ctx.params.orderId, ctx.params.lines));
			},
		},

		/** The sale. 404 without a reservation, 409 once it expired or was released. Idempotent per orderId. */
		commit: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: { $$strict: true, orderId: ORDER_ID },
			async handler(ctx: ShopContext<ParamsOf<"inventory.commit">>): Promise<ResultOf<"inventory.commit">> {
				return toReservation(await this.ledger.commit(ctx.params.orderId));
			},
		},

		/** Gives held stock back, or sold stock after a cancellation. Idempotent per orderId. */
		release: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			params: { $$strict: true, orderId: ORDER_ID },
			async handler(ctx: ShopContext<ParamsOf<"inventory.release">>): Promise<ResultOf<"inventory.release">> {
				return toReservation(await this.ledger.release(ctx.params.orderId));
			},
		},
	},

	methods: {
		now(): number {
			return Date.now();
		},

		/** Every instance of every listener hears it: each node keeps its own caches. */
		announce(productIds: string[]): void {
			broadcast(this.broker, "inventory.changed", { productIds }).catch(err => this.logger.warn("Could not announce an inventory change", err));
		},

		/** One sweep at a time; a tick that comes while one runs joins it. */
		sweep(): Promise<void> {
			this.sweeping ??= this.ledger
				.sweep()
				.then(handled => {
					if (handled) this.logger.info(`Settled ${handled} expired or unfinished reservation(s)`);
				})
				.catch(err => this.logger.warn("Reservation sweep failed; the next one tries again", err))
				.finally(() => {
					this.sweeping = null;
				});
			return this.sweeping;
		},

		async productExists(ctx: ShopContext, productId: string): Promise<boolean> {
			const found = await call(ctx, "products.getMany", { ids: [productId] }, { timeout: 2_000, ifDown: "fail" });
			return found.some(p => p.id === productId);
		},
	},

	async started() {
		// A second collection of our own, beside the mixin's "stock"; the sweeper looks it up by state.
		this.reservations = createAdapter(this.name, "reservations") as unknown as InventoryVars["reservations"];
		this.reservations.init(this.broker, this);
		await this.reservations.connect();
		await ensureIndex(this.reservations, { fields: ["state"] });
		scheduleCompaction(this.reservations);

		this.ledger = new StockLedger(this.adapter, this.reservations, {
			reservationTtlMs: this.settings.reservationTtlMs,
			lockLeaseMs: this.settings.lockLeaseMs,
			lockWaitMs: this.settings.lockWaitMs,
			now: () => this.now(),
			onChange: ids => this.announce(ids),
			warn: (message, err) => this.logger.warn(message, err),
		});
		await this.ledger.addMissing(SEED_PRODUCTS.map(p => ({ productId: p.id, onHand: p.initialStock })));

		// Reservations that ran out while the service was down give their stock back before the first call.
		await this.sweep();
		this.sweeper = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
	},

	async stopped() {
		if (this.sweeper) clearInterval(this.sweeper);
		this.sweeper = null;
		await this.sweeping;
		await this.reservations?.disconnect();
	},
};

export default InventoryService;
