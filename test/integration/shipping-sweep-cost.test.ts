// Background work costs what is due, not what exists: a shop that has delivered 10,000 parcels
// sweeps the few still travelling without reading the delivered ones (issue 10).
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { upgradeLegacy, type ShipmentDoc, type StoredShipment } from "../../services/shipping/shipments";
import type { Store } from "../../mixins/db.mixin";
import { call } from "../../lib/call";
import { startBroker } from "../support/broker";
import { countReads } from "../support/store-reads";
import { DELIVER_AFTER, SHIP_AFTER, shippingOnClock, sweepShipments } from "../support/shipping";

const T0 = Date.parse("2030-05-01T09:00:00Z");
let clock = T0;

const TestShipping = shippingOnClock(() => clock);

const Follower: ServiceSchema = { name: "follower", events: { "shipping.statusChanged"() {} } };

const address = { name: "Ada", street: "1 Main St", city: "Austin", postalCode: "73301", country: "US" };
const FINISHED = 10_000;

/** A parcel delivered (or cancelled) long ago, as the service leaves it. */
function finished(i: number): ShipmentDoc {
	const at = new Date(T0 - 86_400_000).toISOString();
	const cancelled = i % 10 === 0;
	return {
		_id: `old-${i}`,
		orderId: `old-order-${i}`,
		carrier: "USPS Ground",
		trackingId: `UG${i}`,
		zone: "domestic",
		status: cancelled ? "cancelled" : "delivered",
		address,
		items: [{ productId: "p1", quantity: 1 }],
		createdAt: at,
		updatedAt: at,
		shippedAt: cancelled ? null : at,
		deliveredAt: cancelled ? null : at,
		cancelledAt: cancelled ? at : null,
	};
}

describe("the shipping sweep", () => {
	let broker: ServiceBroker;
	let store: Store<StoredShipment>;
	const sweep = () => sweepShipments(broker);

	beforeAll(async () => {
		broker = await startBroker([TestShipping, Follower]);
		store = (broker.getLocalService("shipping") as unknown as { adapter: Store<StoredShipment> }).adapter;
		await store.insertMany(Array.from({ length: FINISHED }, (_, i) => finished(i)));
	});
	afterAll(() => broker.stop());

	it("reads none of 10,000 finished shipments, only the parcels that are due, and moves those", async () => {
		for (const orderId of ["live-1", "live-2", "live-3"]) await call(broker, "shipping.create", { orderId, address, items: [{ productId: "p1", quantity: 1 }] });
		clock = T0 + SHIP_AFTER;

		const counter = countReads(store);
		try {
			expect(await sweep()).toBe(3);
			const oldRead = counter.reads.filter(id => id.startsWith("old-"));
			expect(oldRead).toEqual([]);
			// The due parcels, read a few times each (find, conditional update, announcement): a handful, not thousands.
			expect(counter.reads.length).toBeLessThan(30);

			// A pass with nothing due reads nothing at all.
			counter.reset();
			expect(await sweep()).toBe(0);
			expect(counter.reads).toEqual([]);
		} finally {
			counter.restore();
		}
		const shipments = await call(broker, "shipping.byOrders", { orderIds: ["live-1", "live-2", "live-3"] });
		expect(shipments.map(s => s.status)).toEqual(["shipped", "shipped", "shipped"]);
	});

	it("lets a delivered parcel drop out of the sweep's index, so the finished never pile up in it", async () => {
		clock = T0 + SHIP_AFTER + DELIVER_AFTER;
		expect(await sweep()).toBe(3);
		const live = await store.find({ query: { orderId: { $in: ["live-1", "live-2", "live-3"] } } });
		expect(live.map(doc => doc.status)).toEqual(["delivered", "delivered", "delivered"]);
		for (const doc of live) expect(Object.keys(doc)).not.toEqual(expect.arrayContaining(["moveDueAt"]));
		for (const doc of live) expect(Object.keys(doc)).not.toEqual(expect.arrayContaining(["announceDueAt"]));
	});

	it("keeps a parcel stored by an older version (a `dueAt`, nulls when done) travelling", async () => {
		const legacy = { ...finished(-1), _id: "legacy-1", orderId: "legacy-order", status: "booked", shippedAt: null, deliveredAt: null, dueAt: clock, announceAt: null };
		const legacyDone = { ...finished(-2), _id: "legacy-2", orderId: "legacy-done", dueAt: null, announceAt: null };
		await store.insertMany([legacy, legacyDone] as unknown as StoredShipment[]);
		expect(await upgradeLegacy(store)).toBe(1);
		expect(await upgradeLegacy(store)).toBe(0);
		expect(await sweep()).toBe(1);
		expect((await call(broker, "shipping.byOrders", { orderIds: ["legacy-order"] }))[0].status).toBe("shipped");
	});
});
