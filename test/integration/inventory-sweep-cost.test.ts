// Background work costs what is due, not what exists: with 10,000 reservations settled long ago
// or still well within their time, the reservation sweep reads only the ones that ran out (issue 10).
import type { ServiceBroker, ServiceSchema } from "moleculer";
import InventoryService, { type InventorySettings } from "../../services/inventory/inventory.service";
import type { StockLedger } from "../../services/inventory/ledger";
import type { ReservationDoc, ReservationState } from "../../services/inventory/records";
import type { Store } from "../../mixins/db.mixin";
import { call } from "../../lib/call";
import { startBroker } from "../support/broker";
import { countReads } from "../support/store-reads";

const TTL = 15 * 60_000;
const T0 = Date.parse("2030-05-01T09:00:00Z");
let clock = T0;

const settings: Partial<InventorySettings> = { reservationTtlMs: TTL, sweepIntervalMs: 3_600_000 };
const TestInventory = { name: "inventory", mixins: [InventoryService as unknown as ServiceSchema], settings, methods: { now: () => clock } } as ServiceSchema;

const SETTLED: ReservationState[] = ["committed", "released", "expired", "rejected"];

/** A reservation as the ledger leaves it: settled ones carry no `sweepAt`, held ones their expiry. */
function stored(i: number): ReservationDoc {
	const held = i % 2 === 0;
	const doc: ReservationDoc = {
		_id: `old-${i}`,
		state: held ? "held" : SETTLED[i % SETTLED.length],
		lines: [{ productId: "far-away", quantity: 1 }],
		releaseTo: null,
		short: null,
		expiresAt: held ? T0 + TTL : T0 - 86_400_000,
		lock: null,
		lockedUntil: 0,
		rev: 1,
		createdAt: T0 - 1_000,
		updatedAt: T0 - 1_000,
	};
	return held ? { ...doc, sweepAt: doc.expiresAt } : doc;
}

describe("the reservation sweep", () => {
	let broker: ServiceBroker;
	const service = () => broker.getLocalService("inventory") as unknown as { reservations: Store<ReservationDoc>; ledger: StockLedger; settleDue(): Promise<void> };

	beforeAll(async () => {
		broker = await startBroker([TestInventory]);
		await service().reservations.insertMany(Array.from({ length: 10_000 }, (_, i) => stored(i)));
		await service().ledger.setOnHand("sweep-p1", 10, true);
	});
	afterAll(() => broker.stop());

	it("reads neither settled reservations nor held ones whose time has not come; gives back the expired", async () => {
		// Two that run out before the 5,000 held ones: reserved ten minutes before the others' time.
		clock = T0 - 10 * 60_000;
		for (const orderId of ["due-1", "due-2"]) await call(broker, "inventory.reserve", { orderId, lines: [{ productId: "sweep-p1", quantity: 2 }] });
		clock = T0 + 5 * 60_000 + 1;

		const counter = countReads(service().reservations);
		try {
			await service().settleDue();
			expect(counter.reads.filter(id => id.startsWith("old-"))).toEqual([]);
			expect(counter.reads.length).toBeLessThan(40);
			counter.reset();
			await service().settleDue();
			expect(counter.reads).toEqual([]);
		} finally {
			counter.restore();
		}
		expect(await call(broker, "inventory.get", { productId: "sweep-p1" })).toMatchObject({ available: 10, reserved: 0 });
	});

	it("keeps `sweepAt` only on reservations that may still need settling", async () => {
		await call(broker, "inventory.reserve", { orderId: "kept", lines: [{ productId: "sweep-p1", quantity: 1 }] });
		const held = await service().reservations.findOne({ _id: "kept" });
		expect(held?.sweepAt).toBe(held?.expiresAt);
		await call(broker, "inventory.commit", { orderId: "kept" });
		expect(await service().reservations.findOne({ _id: "kept" })).not.toHaveProperty("sweepAt");
		expect(await service().reservations.findOne({ _id: "due-1" })).toMatchObject({ state: "expired" });
		expect(await service().reservations.findOne({ _id: "due-1" })).not.toHaveProperty("sweepAt");
	});

	it("finds, at start, held reservations stored by an older version without `sweepAt`", async () => {
		const { sweepAt: _omit, ...legacy } = { ...stored(0), _id: "legacy-held", expiresAt: clock - 1 };
		await service().reservations.insert(legacy as ReservationDoc);
		expect(await service().ledger.backfillSweepAt()).toBe(1);
		expect(await service().ledger.backfillSweepAt()).toBe(0);
		expect(await service().reservations.findOne({ _id: "legacy-held" })).toMatchObject({ sweepAt: clock - 1 });
	});
});
