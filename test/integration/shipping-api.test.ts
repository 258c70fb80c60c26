// Shipping: quotes through the gateway, shipments booked once per order, cancelled only before
// they ship, and parcels that move on by themselves with a clock the test holds.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import ShippingService from "../../services/shipping/shipping.service";
import { call } from "../../lib/call";
import { RATES } from "../../services/shipping/rates";
import type { Events } from "../../lib/events";
import type { Address } from "../../services/orders/orders.contract";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { DELIVER_AFTER, SHIP_AFTER, shippingOnClock, sweepShipments } from "../support/shipping";

let clock = Date.parse("2030-03-01T09:00:00Z");

const TestShipping = shippingOnClock(() => clock);

type StatusChanged = Events["shipping.statusChanged"];
const heard: (StatusChanged & { storedStatus?: string })[] = [];

/** Stands in for orders: follows shipments, and checks each move was stored before it was announced. */
const Follower: ServiceSchema = {
	name: "follower",
	events: {
		async "shipping.statusChanged"(ctx) {
			const event = ctx.params as StatusChanged;
			const [stored] = await ctx.call("shipping.byOrders", { orderIds: [event.orderId] }) as { status: string }[];
			heard.push({ ...event, storedStatus: stored?.status });
		},
	},
};

const address: Address = { name: "Ada Lovelace", street: "1 Analytical Way", city: "Boston", postalCode: "02101", country: "US" };
const items = [{ productId: "p1", quantity: 2 }];
let orderSeq = 0;
const newOrderId = () => `ship-order-${++orderSeq}`;

describe("shipping", () => {
	let broker: ServiceBroker;
	let api: string;
	const sweep = () => sweepShipments(broker);
	const create = (orderId: string, to: Partial<Address> = {}) => call(broker, "shipping.create", { orderId, address: { ...address, ...to }, items });
	const heardFor = (orderId: string) => heard.filter(e => e.orderId === orderId);

	beforeAll(async () => {
		broker = await startBroker([ApiService, TestShipping, Follower] as ServiceSchema[]);
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());

	describe("POST /api/shipping/quote", () => {
		const quote = (country: string, quantities: number[]) =>
			http.post(`${api}/shipping/quote`, { country, items: quantities.map((quantity, i) => ({ productId: `p${i}`, quantity })) });

		it.each([
			["US", "domestic"],
			["CA", "north-america"],
			["DE", "europe"],
			["JP", "world"],
		] as const)("quotes a parcel to %s at the %s rate, to anyone", async (country, zone) => {
			const res = await quote(country, [1]);
			expect(res.status).toBe(200);
			const rate = RATES[zone];
			expect(res.body).toEqual({ cost: rate.base, currency: "USD", carrier: rate.carrier, estimatedDays: rate.estimatedDays, zone });
		});

		it("counts every item of every line", async () => {
			const res = await quote("FR", [2, 3]);
			expect(res.body.cost).toBe(RATES.europe.base + 4 * RATES.europe.perItem);
		});

		it("takes the country code in lower case too", async () => {
			expect((await quote("de", [1])).body.zone).toBe("europe");
		});

		it("refuses a country that is not an ISO 3166-1 alpha-2 code with a 422 on country", async () => {
			const res = await quote("XX", [1]);
			expect(res.status).toBe(422);
			expect(res.body.data).toEqual([{ field: "country", message: expect.any(String) }]);
		});

		it("refuses an empty parcel, a bad quantity and fields it does not know", async () => {
			expect((await quote("US", [])).status).toBe(422);
			expect((await quote("US", [0])).status).toBe(422);
			expect((await quote("US", [1.5])).status).toBe(422);
			const extra = await http.post(`${api}/shipping/quote`, { country: "US", items: [{ productId: "p1", quantity: 1 }], cost: 0 });
			expect(extra.status).toBe(422);
		});
	});

	describe("shipments", () => {
		it("books one shipment per order with a carrier and a tracking id, however often it is asked", async () => {
			const orderId = newOrderId();
			const results = await Promise.all(Array.from({ length: 10 }, () => create(orderId, { country: "DE" })));
			expect(new Set(results.map(s => s.trackingId)).size).toBe(1);
			expect(results[0]).toMatchObject({ orderId, status: "booked", carrier: RATES.europe.carrier, trackingId: expect.stringMatching(/^[A-Z0-9]{12}$/) });
			expect(await call(broker, "shipping.byOrders", { orderIds: [orderId] })).toEqual([results[0]]);
		});

		it("refuses an address whose country is not a country, booking nothing", async () => {
			const orderId = newOrderId();
			await expect(create(orderId, { country: "ZZ" })).rejects.toMatchObject({ code: 422, data: [{ field: "address.country", message: expect.any(String) }] });
			expect(await call(broker, "shipping.byOrders", { orderIds: [orderId] })).toEqual([]);
		});

		it("answers the shipments of many orders in one call, and nothing for orders without one", async () => {
			const ids = [newOrderId(), newOrderId(), newOrderId()];
			await Promise.all(ids.map(id => create(id)));
			const found = await call(broker, "shipping.byOrders", { orderIds: [...ids, "no-such-order"] });
			expect(found.map(s => s.orderId).sort()).toEqual([...ids].sort());
			expect(await call(broker, "shipping.byOrders", { orderIds: [] })).toEqual([]);
		});

		it("cancels a booked shipment once, and it never ships", async () => {
			const orderId = newOrderId();
			await create(orderId);
			const cancels = await Promise.all(Array.from({ length: 5 }, () => call(broker, "shipping.cancel", { orderId })));
			for (const c of cancels) expect(c).toMatchObject({ orderId, status: "cancelled" });
			clock += SHIP_AFTER + DELIVER_AFTER;
			await sweep();
			expect((await call(broker, "shipping.byOrders", { orderIds: [orderId] }))[0].status).toBe("cancelled");
			expect(heardFor(orderId)).toEqual([]);
		});

		it("refuses a booking that lands after its order's cancel, even when nothing was booked yet, and nothing ships", async () => {
			const orderId = newOrderId();
			await expect(call(broker, "shipping.cancel", { orderId })).resolves.toBeNull();
			await expect(create(orderId)).rejects.toMatchObject({ code: 409, type: "SHIPMENT_CANCELLED", data: { orderId } });
			await expect(call(broker, "shipping.cancel", { orderId })).resolves.toBeNull();
			clock += SHIP_AFTER + DELIVER_AFTER;
			await sweep();
			expect(await call(broker, "shipping.byOrders", { orderIds: [orderId] })).toEqual([]);
			expect(heardFor(orderId)).toEqual([]);
		});

		it("never books again the parcel of an order whose shipment was cancelled", async () => {
			const orderId = newOrderId();
			await create(orderId);
			await call(broker, "shipping.cancel", { orderId });
			await expect(create(orderId)).rejects.toMatchObject({ code: 409, type: "SHIPMENT_CANCELLED" });
			expect((await call(broker, "shipping.byOrders", { orderIds: [orderId] })).map(s => s.status)).toEqual(["cancelled"]);
		});

		it("leaves no live booking when a cancel and a booking for the same order race", async () => {
			const ids = Array.from({ length: 30 }, newOrderId);
			const cancel = (orderId: string) => call(broker, "shipping.cancel", { orderId });
			await Promise.all(ids.map((id, i) => Promise.allSettled(i % 2 ? [cancel(id), create(id)] : [create(id), cancel(id)])));
			const shipments = await call(broker, "shipping.byOrders", { orderIds: ids });
			expect(shipments.filter(s => s.status !== "cancelled")).toEqual([]);
		});

		it("refuses to cancel once shipped, with a 409 saying so, and leaves the parcel on its way", async () => {
			const orderId = newOrderId();
			await create(orderId);
			clock += SHIP_AFTER;
			await sweep();
			await expect(call(broker, "shipping.cancel", { orderId })).rejects.toMatchObject({
				code: 409,
				type: "SHIPMENT_ALREADY_SHIPPED",
				data: { orderId, status: "shipped" },
			});
			expect((await call(broker, "shipping.byOrders", { orderIds: [orderId] }))[0].status).toBe("shipped");
		});
	});

	describe("a parcel's journey", () => {
		it("ships after the ship delay and is delivered after the delivery delay, each move stored before it is announced", async () => {
			const orderId = newOrderId();
			const bookedAt = clock;
			await create(orderId);

			clock = bookedAt + SHIP_AFTER - 1;
			await sweep();
			expect(heardFor(orderId)).toEqual([]);

			clock = bookedAt + SHIP_AFTER;
			await sweep();
			const shippedAt = new Date(bookedAt + SHIP_AFTER).toISOString();
			expect(heardFor(orderId)).toEqual([{ orderId, status: "shipped", at: shippedAt, storedStatus: "shipped" }]);

			clock = bookedAt + SHIP_AFTER + DELIVER_AFTER;
			await sweep();
			const deliveredAt = new Date(bookedAt + SHIP_AFTER + DELIVER_AFTER).toISOString();
			expect(heardFor(orderId)).toEqual([
				{ orderId, status: "shipped", at: shippedAt, storedStatus: "shipped" },
				{ orderId, status: "delivered", at: deliveredAt, storedStatus: "delivered" },
			]);
			expect((await call(broker, "shipping.byOrders", { orderIds: [orderId] }))[0]).toMatchObject({ status: "delivered", shippedAt, deliveredAt });

			clock += 10 * DELIVER_AFTER;
			await sweep();
			expect(heardFor(orderId)).toHaveLength(2);
		});

		it("moves concurrent sweeps' parcels once each", async () => {
			const orderId = newOrderId();
			await create(orderId);
			clock += SHIP_AFTER;
			const moved = await Promise.all([sweep(), sweep(), sweep()]);
			expect(moved.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
			expect(heardFor(orderId).map(e => e.status)).toEqual(["shipped"]);
		});

		it("moves on by itself on its timer, without anyone sweeping by hand", async () => {
			const quick = await startBroker([
				{ name: "shipping", mixins: [ShippingService as unknown as ServiceSchema], settings: { shipAfterMs: 50, deliverAfterMs: 50 } } as ServiceSchema,
			]);
			try {
				const orderId = newOrderId();
				await call(quick, "shipping.create", { orderId, address, items });
				const started = Date.now();
				let status = "booked";
				while (status !== "delivered" && Date.now() - started < 3_000) {
					await new Promise(r => setTimeout(r, 20));
					status = (await call(quick, "shipping.byOrders", { orderIds: [orderId] }))[0].status;
				}
				expect(status).toBe("delivered");
			} finally {
				await quick.stop();
			}
		});
	});
});
