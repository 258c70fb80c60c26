// services/shipping/shipping.service.ts — quotes, and shipments that travel on by themselves:
// booked, then shipped, then delivered. Every move is stored before it is announced, and a periodic
// sweep over the stored shipments (not a timer per parcel) moves them on, so a restart loses no progress.
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { config, shippingConfig } from "../../lib/config";
import { implement } from "../../lib/contract";
import { ConflictError, invalidField } from "../../lib/errors";
import { emit } from "../../lib/emit";
import { countryCode } from "./countries";
import { sweepIntervalFor } from "./knobs";
import { quoteFor } from "./rates";
import { cancelMarker, dueMove, isBooking, toShipment, trackingId, upgradeLegacy, type ShipmentDoc, type StoredShipment } from "./shipments";
import { ShippingContract, type Shipment } from "./shipping.contract";
import { idempotentRead } from "../../lib/read-policy";

interface ShippingSettings extends ServiceSettingSchema {
	/** From booking to shipped (SHIPPING_SHIP_AFTER_MS). */
	shipAfterMs: number;
	/** From shipped to delivered (SHIPPING_DELIVER_AFTER_MS). */
	deliverAfterMs: number;
	/** How often stored shipments are looked at; null: derived from the two waits. */
	sweepIntervalMs: number | null;
	/** Quotes are in the shop's base currency, like the order total they are part of. */
	currency: string;
}

interface ShippingMethods extends ClockMethods {
	sweep(): Promise<number>;
	announce(doc: ShipmentDoc, now: number): Promise<void>;
	cancelBooking(orderId: string, at: string): Promise<StoredShipment | null>;
	insertFirst(doc: StoredShipment): Promise<StoredShipment | null>;
}

interface ShippingVars {
	adapter: Store<StoredShipment>;
}

type ShippingThis = Service<ShippingSettings> & ShippingMethods & ShippingVars;

const STATUS_CHANGED = "shipping.statusChanged";
const SWEEP_BATCH = 500;
/** How long an announcer holds a move before another may say it (it takes milliseconds; this covers a crash). */
const ANNOUNCE_LEASE_MS = 30_000;

const ShippingService: ServiceSchema<ShippingSettings, ShippingMethods, ShippingVars> = {
	name: ShippingContract.name,
	mixins: [
		PeriodicWork<ShippingSettings>({ name: "shipments", every: s => s.sweepIntervalMs ?? sweepIntervalFor(s), run: "sweep" }),
		Clock,
		DbMixin("shipments", {
			indexes: [
				{ fields: ["orderId"], unique: true },
				{ fields: ["moveDueAt"], sparse: true },
				{ fields: ["announceDueAt"], sparse: true },
			],
		}),
	],

	settings: {
		...shippingConfig(),
		sweepIntervalMs: null,
		currency: config.baseCurrency,
	},

	actions: implement<ShippingThis>()(ShippingContract, {
		/** POST /api/shipping/quote: by destination zone and item count; needs no other service. */
		quote: {
			auth: "public",
			...idempotentRead(), // Safe to repeat elsewhere: a price from the zone table; nothing is stored.
			handler(ctx) {
				const country = countryCode(ctx.params.country);
				if (!country) throw invalidField("country", "Not an ISO 3166-1 alpha-2 country code");
				const itemCount = ctx.params.items.reduce((sum, item) => sum + item.quantity, 0);
				return quoteFor(country, itemCount, this.settings.currency);
			},
		},

		/**
		 * Book the parcel of an order; a repeat returns the first booking. Refused (409) once the
		 * order's shipment was cancelled, even if it was cancelled before this booking arrived.
		 */
		create: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				const { orderId, address, items } = ctx.params;
				const existing = await this.adapter.findOne({ orderId });
				if (existing) return bookedBefore(existing);

				const country = countryCode(address.country);
				if (!country) throw invalidField("address.country", "Not an ISO 3166-1 alpha-2 country code");
				const { carrier, zone } = quoteFor(country, 1, this.settings.currency);
				const now = this.now();
				const at = new Date(now).toISOString();
				const doc: ShipmentDoc = {
					_id: crypto.randomUUID(),
					orderId,
					carrier,
					trackingId: trackingId(carrier),
					zone,
					status: "booked",
					address: { ...address, country },
					items: items.map(({ productId, quantity }) => ({ productId, quantity })),
					createdAt: at,
					updatedAt: at,
					shippedAt: null,
					deliveredAt: null,
					cancelledAt: null,
					moveDueAt: now + this.settings.shipAfterMs,
				};
				// A concurrent repeat may have booked it first (its booking stands), or a cancel got there first (nothing ships).
				const first = await this.insertFirst(doc);
				if (first) return bookedBefore(first);
				this.logger.info(`Booked ${carrier} ${doc.trackingId} for order ${orderId}`);
				return toShipment(doc);
			},
		},

		/**
		 * Cancel before it ships; idempotent. Once shipped, a 409 (SHIPMENT_ALREADY_SHIPPED) and
		 * nothing changes. With nothing booked, null, and no booking for the order is taken later.
		 */
		cancel: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				const { orderId } = ctx.params;
				const at = new Date(this.now()).toISOString();
				let doc = await this.cancelBooking(orderId, at);
				if (!doc) {
					// The booking may still be on its way (a timed-out call that lands late): the marker makes it a 409.
					if (!(await this.insertFirst(cancelMarker(orderId, at)))) {
						this.logger.info(`Nothing booked for order ${orderId} yet; a booking arriving later will be refused`);
						return null;
					}
					// A booking took the place at this very moment: it is cancelled like any other.
					doc = await this.cancelBooking(orderId, at);
				}
				if (!doc || !isBooking(doc)) return null;
				if (doc.status === "cancelled") return toShipment(doc);
				throw new ConflictError("The parcel has already shipped", "SHIPMENT_ALREADY_SHIPPED", { orderId, status: doc.status });
			},
		},

		/** The shipments of many orders in one call. */
		byOrders: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				if (ctx.params.orderIds.length === 0) return [];
				const docs = await this.adapter.find({ query: { orderId: { $in: ctx.params.orderIds } } });
				return docs.filter(isBooking).map(toShipment);
			},
		},
	}),

	methods: {
		/** One pass over the stored shipments: the moves that are due, then what is left unsaid. Resolves to the number of moves. */
		async sweep(): Promise<number> {
			const timing = { shipAfterMs: this.settings.shipAfterMs, deliverAfterMs: this.settings.deliverAfterMs };
			let moved = 0;
			// A shipment may be due for both moves (after a long stop), so go round until nothing moves.
			for (;;) {
				const now = this.now();
				const due = await this.adapter.find({ query: { moveDueAt: { $lte: now } }, sort: ["moveDueAt"], limit: SWEEP_BATCH });
				let movedNow = 0;
				for (const doc of due.filter(isBooking)) {
					const move = dueMove(doc, now, timing);
					if (!move) continue;
					const at = new Date(move.at).toISOString();
					const change = {
						status: move.to,
						[move.to === "shipped" ? "shippedAt" : "deliveredAt"]: at,
						updatedAt: at,
						announceDueAt: now,
						...(move.nextDueAt !== null && { moveDueAt: move.nextDueAt }),
					};
					const update = { $set: change, ...(move.nextDueAt === null && { $unset: { moveDueAt: true } }) };
					// Stored first; conditional, so two sweepers (or a cancel) never both move it.
					if ((await this.adapter.updateMany({ _id: doc._id, status: move.from, moveDueAt: doc.moveDueAt }, update)) === 1) {
						movedNow++;
						await this.announce({ ...doc, ...change } as ShipmentDoc, now);
					}
				}
				moved += movedNow;
				if (movedNow === 0) break;
			}
			// Moves whose announcement a crash (or a cluster with no listener yet) left unsaid.
			const now = this.now();
			const unsaid = await this.adapter.find({ query: { announceDueAt: { $lte: now } }, sort: ["announceDueAt"], limit: SWEEP_BATCH });
			for (const doc of unsaid.filter(isBooking)) await this.announce(doc, now);
			return moved;
		},

		/** Takes the move's lease, emits it, then marks it said. Without anyone listening it stays unsaid, to be said when someone is. */
		async announce(doc: ShipmentDoc, now: number): Promise<void> {
			if (!this.broker.hasEventListener(STATUS_CHANGED)) return;
			const lease = now + ANNOUNCE_LEASE_MS;
			const mine = { _id: doc._id, status: doc.status, announceDueAt: lease };
			if ((await this.adapter.updateMany({ _id: doc._id, status: doc.status, announceDueAt: { $lte: now } }, { $set: { announceDueAt: lease } })) !== 1) return;
			const at = (doc.status === "shipped" ? doc.shippedAt : doc.status === "delivered" ? doc.deliveredAt : null) ?? doc.updatedAt;
			await emit(this.broker, STATUS_CHANGED, { orderId: doc.orderId, status: doc.status, at });
			await this.adapter.updateMany(mine, { $unset: { announceDueAt: true } });
		},

		/** Cancels the order's booking if it is still only booked; the order's record, or null when it has none. */
		async cancelBooking(orderId: string, at: string): Promise<StoredShipment | null> {
			// Conditional on "booked": a sweeper shipping it at the same moment and this cancel cannot both win.
			const cancelled = await this.adapter.updateMany({ orderId, status: "booked" }, { $set: { status: "cancelled", cancelledAt: at, updatedAt: at }, $unset: { moveDueAt: true } });
			const doc = await this.adapter.findOne({ orderId });
			if (cancelled && doc && isBooking(doc)) this.logger.info(`Cancelled shipment ${doc.trackingId} of order ${orderId}`);
			return doc;
		},

		/** Stores `doc` as its order's one record (orderId is unique): null if it was, else the record that was there first. */
		async insertFirst(doc: StoredShipment): Promise<StoredShipment | null> {
			try {
				await this.adapter.insert(doc);
				return null;
			} catch (err) {
				const first = await this.adapter.findOne({ orderId: doc.orderId });
				if (first) return first;
				throw err;
			}
		},
	},

	async started() {
		const upgraded = await upgradeLegacy(this.adapter);
		if (upgraded) this.logger.info(`Moved ${upgraded} shipment timer(s) stored by an older version to their sparse fields`);
	},
};

/** The answer to a booking for an order that has a record already: that booking, unless it was cancelled. */
function bookedBefore(doc: StoredShipment): Shipment {
	if (doc.status === "cancelled") {
		throw new ConflictError("This order's shipment was cancelled; it cannot be booked again", "SHIPMENT_CANCELLED", { orderId: doc.orderId });
	}
	return toShipment(doc);
}

export default ShippingService;
