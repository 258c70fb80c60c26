// Reservations run out: with an injected clock, a held reservation gives its stock back by
// itself once its TTL has passed, also when the service was stopped at that moment (its data in
// NeDB files that the next start reads).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import InventoryService, { type InventorySettings } from "../../services/inventory/inventory.service";
import { call } from "../../lib/call";
import { config } from "../../lib/config";
import { unbalanced } from "../support/inventory-books";
import type { StockLedger } from "../../services/inventory/ledger";
import { changeListener } from "../support/inventory";
import { startBroker } from "../support/broker";

const TTL = 15 * 60_000;
const T0 = Date.parse("2026-11-02T10:00:00Z");
let clock = T0;

/** The real service with the test's clock; `sweepIntervalMs` decides how soon it notices. */
function inventory(sweepIntervalMs: number): ServiceSchema {
	const settings: Partial<InventorySettings> = { sweepIntervalMs };
	return { mixins: [InventoryService as unknown as ServiceSchema], name: "inventory", settings, methods: { now: () => clock } };
}

const heard: string[][] = [];
const Listener = changeListener(heard);

const ledgerOf = (broker: ServiceBroker) => (broker.getLocalService("inventory") as unknown as { ledger: StockLedger }).ledger;
const available = async (broker: ServiceBroker, id: string) => (await call(broker, "inventory.get", { productId: id })).available;

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
	const giveUpAt = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > giveUpAt) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}

describe("reservations that run out", () => {
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker([inventory(10), Listener]);
	});
	afterAll(() => broker.stop());
	beforeEach(() => {
		clock = T0;
	});

	let serial = 0;
	async function setup(onHand: number, hold: number) {
		const productId = `exp-${++serial}`;
		const orderId = `order-${serial}`;
		await ledgerOf(broker).setOnHand(productId, onHand, true);
		await call(broker, "inventory.reserve", { orderId, lines: [{ productId, quantity: hold }] });
		return { productId, orderId };
	}

	it("reads its TTL from the settings, 15 minutes unless RESERVATION_TTL_MS says otherwise", async () => {
		expect(InventoryService.settings?.reservationTtlMs).toBe(TTL);
		const withEnv = (value: string) => {
			process.env.RESERVATION_TTL_MS = value;
			try {
				let settings: unknown;
				jest.isolateModules(() => {
					settings = require("../../services/inventory/inventory.service").default.settings;
				});
				return settings;
			} finally {
				delete process.env.RESERVATION_TTL_MS;
			}
		};
		expect(withEnv("2000")).toMatchObject({ reservationTtlMs: 2_000, sweepIntervalMs: 500 });
		expect(() => withEnv("15min")).toThrow(/RESERVATION_TTL_MS/);
		const { productId, orderId } = await setup(5, 1);
		const reservation = await call(broker, "inventory.reserve", { orderId, lines: [{ productId, quantity: 1 }] });
		expect(reservation.expiresAt).toBe(new Date(T0 + TTL).toISOString());
	});

	it("keeps the stock held until the TTL has passed, then gives it back by itself and says so", async () => {
		const { productId, orderId } = await setup(5, 2);
		clock = T0 + TTL - 1;
		await new Promise(resolve => setTimeout(resolve, 50)); // a few sweeps
		expect(await available(broker, productId)).toBe(3);

		heard.length = 0;
		clock = T0 + TTL;
		await eventually(async () => (await available(broker, productId)) === 5, "the expired stock to come back");
		expect(await call(broker, "inventory.get", { productId })).toEqual({ productId, onHand: 5, reserved: 0, available: 5 });
		await eventually(async () => heard.some(ids => ids.includes(productId)), "inventory.changed for the expiry");

		await expect(call(broker, "inventory.commit", { orderId })).rejects.toMatchObject({ code: 409, type: "RESERVATION_EXPIRED" });
		await expect(call(broker, "inventory.release", { orderId })).resolves.toMatchObject({ status: "expired" });
		expect(await available(broker, productId)).toBe(5);
	});

	it("sells a reservation committed just before its time is up, and the sweeper leaves the sale alone", async () => {
		const { productId, orderId } = await setup(5, 2);
		clock = T0 + TTL - 1;
		await expect(call(broker, "inventory.commit", { orderId })).resolves.toMatchObject({ status: "committed" });
		clock = T0 + 2 * TTL;
		await new Promise(resolve => setTimeout(resolve, 50));
		expect(await call(broker, "inventory.get", { productId })).toEqual({ productId, onHand: 3, reserved: 0, available: 3 });
	});

	it("refuses to commit a reservation whose time is up even before the sweeper got to it, and gives its stock back", async () => {
		const { productId, orderId } = await setup(5, 2);
		// Stop the sweeper: the commit itself must notice the expiry.
		const ledger = ledgerOf(broker) as unknown as { sweep?: () => Promise<number> };
		ledger.sweep = async () => 0;
		try {
			clock = T0 + TTL;
			await expect(call(broker, "inventory.commit", { orderId })).rejects.toMatchObject({ type: "RESERVATION_EXPIRED" });
			expect(await available(broker, productId)).toBe(5);
		} finally {
			delete ledger.sweep; // the class's own again
		}
	});

	it("leaves the books balanced after many reservations expire together", async () => {
		const held = await Promise.all(Array.from({ length: 30 }, () => setup(3, 1 + (serial % 3))));
		clock = T0 + TTL;
		await eventually(async () => (await Promise.all(held.map(h => available(broker, h.productId)))).every(n => n === 3), "all 30 to expire");
		const { stock, reservations } = ledgerOf(broker);
		expect(unbalanced(await stock.find({}), await reservations.find({}))).toEqual([]);
	});
});

describe("reservations that run out while the service is stopped", () => {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-expiry-"));
	const memory = config.dataDir;
	beforeAll(() => {
		config.dataDir = dataDir; // NeDB files, read again by the next start
	});
	afterAll(() => {
		config.dataDir = memory;
		fs.rmSync(dataDir, { recursive: true, force: true });
	});

	it("gives their stock back as the service starts again, before it answers anything", async () => {
		clock = T0;
		// An hour between sweeps: only the sweep at start can be what gives the stock back.
		let broker = await startBroker([inventory(60 * 60_000)]);
		try {
			await ledgerOf(broker).setOnHand("lamp", 4, true);
			await call(broker, "inventory.reserve", { orderId: "kept", lines: [{ productId: "lamp", quantity: 1 }] });
			clock = T0 + TTL - 60_000;
			await call(broker, "inventory.reserve", { orderId: "lapsed", lines: [{ productId: "lamp", quantity: 2 }] });
			clock = T0 + 30_000;
			await call(broker, "inventory.set", { productId: "lamp", onHand: 5 }); // an admin's change survives the restart too
		} finally {
			await broker.stop();
		}

		clock = T0 + TTL + 1; // "kept" has expired, "lapsed" has not
		broker = await startBroker([inventory(60 * 60_000)]);
		try {
			expect(await call(broker, "inventory.get", { productId: "lamp" })).toEqual({ productId: "lamp", onHand: 5, reserved: 2, available: 3 });
			await expect(call(broker, "inventory.commit", { orderId: "kept" })).rejects.toMatchObject({ type: "RESERVATION_EXPIRED" });
			await expect(call(broker, "inventory.commit", { orderId: "lapsed" })).resolves.toMatchObject({ status: "committed" });
			expect(await call(broker, "inventory.get", { productId: "lamp" })).toEqual({ productId: "lamp", onHand: 3, reserved: 0, available: 3 });
		} finally {
			await broker.stop();
		}
	});
});
