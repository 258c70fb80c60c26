// Parcels keep travelling across a restart of the shipping service: their progress lives in the
// store (NeDB files here, as in production without MongoDB), not in timers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { call } from "../../lib/call";
import { config } from "../../lib/config";
import type { Events } from "../../lib/events";
import { startBroker } from "../support/broker";
import { DELIVER_AFTER, SHIP_AFTER, shippingOnClock, sweepShipments } from "../support/shipping";

const T0 = Date.parse("2030-03-01T09:00:00Z");
let clock = T0;

const TestShipping = shippingOnClock(() => clock);

const heard: Events["shipping.statusChanged"][] = [];
const Follower: ServiceSchema = {
	name: "follower",
	events: {
		"shipping.statusChanged"(ctx) {
			heard.push(ctx.params as Events["shipping.statusChanged"]);
		},
	},
};

const address = { name: "Ada", street: "1 Main St", city: "Austin", postalCode: "73301", country: "US" };
const at = (ms: number) => new Date(ms).toISOString();

describe("shipping across a restart", () => {
	const savedDir = config.dataDir;
	let dir: string;
	let broker: ServiceBroker | null = null;
	const sweep = () => sweepShipments(broker!);

	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-shipping-"));
		config.dataDir = dir;
	});
	afterAll(async () => {
		await broker?.stop();
		config.dataDir = savedDir;
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it("announces, after the restart, moves that were stored but never announced", async () => {
		// First life: nobody listens yet (orders is down), so moves are stored and left unsaid.
		broker = await startBroker([TestShipping]);
		await call(broker, "shipping.create", { orderId: "o1", address, items: [{ productId: "p1", quantity: 1 }] });
		clock = T0 + SHIP_AFTER;
		expect(await sweep()).toBe(1);
		await broker.stop();

		clock = T0 + SHIP_AFTER + 1_000;
		broker = await startBroker([TestShipping, Follower]);
		await sweep();
		expect(heard).toEqual([{ orderId: "o1", status: "shipped", at: at(T0 + SHIP_AFTER) }]);

		clock = T0 + SHIP_AFTER + DELIVER_AFTER;
		await sweep();
		expect(heard).toEqual([
			{ orderId: "o1", status: "shipped", at: at(T0 + SHIP_AFTER) },
			{ orderId: "o1", status: "delivered", at: at(T0 + SHIP_AFTER + DELIVER_AFTER) },
		]);
		await broker.stop();
		broker = null;
	});

	it("finishes the whole journey of a parcel booked before a long stop, dated as scheduled", async () => {
		heard.length = 0;
		const booked = clock;
		broker = await startBroker([TestShipping, Follower]);
		await call(broker, "shipping.create", { orderId: "o2", address, items: [{ productId: "p1", quantity: 1 }] });
		await broker.stop();

		clock = booked + 10 * (SHIP_AFTER + DELIVER_AFTER);
		broker = await startBroker([TestShipping, Follower]);
		await sweep();
		expect(heard).toEqual([
			{ orderId: "o2", status: "shipped", at: at(booked + SHIP_AFTER) },
			{ orderId: "o2", status: "delivered", at: at(booked + SHIP_AFTER + DELIVER_AFTER) },
		]);
		const [shipment] = await call(broker, "shipping.byOrders", { orderIds: ["o2"] });
		expect(shipment).toMatchObject({ status: "delivered", shippedAt: at(booked + SHIP_AFTER), deliveredAt: at(booked + SHIP_AFTER + DELIVER_AFTER) });
	});
});
