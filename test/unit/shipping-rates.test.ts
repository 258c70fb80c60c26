import { COUNTRIES, countryCode } from "../../services/shipping/countries";
import { sweepIntervalFor } from "../../services/shipping/knobs";
import { shippingConfig as timingFromEnv } from "../../lib/config";
import { quoteFor, RATES, zoneOf } from "../../services/shipping/rates";
import { dueMove, trackingId } from "../../services/shipping/shipments";

describe("shipping zones and rates", () => {
	it.each([
		["US", "domestic"],
		["CA", "north-america"],
		["MX", "north-america"],
		["DE", "europe"],
		["GB", "europe"],
		["NO", "europe"],
		["JP", "world"],
		["BR", "world"],
	])("puts %s in the %s zone", (country, zone) => {
		expect(zoneOf(country)).toBe(zone);
	});

	it("costs more the farther the parcel goes", () => {
		const costs = ["US", "CA", "FR", "AU"].map(c => quoteFor(c, 1, "USD").cost);
		expect(costs).toEqual([...costs].sort((a, b) => a - b));
		expect(new Set(costs).size).toBe(4);
	});

	it("charges the zone's base for one item and its per-item rate for each further one", () => {
		expect(quoteFor("FR", 1, "USD")).toEqual({ cost: RATES.europe.base, currency: "USD", carrier: RATES.europe.carrier, estimatedDays: RATES.europe.estimatedDays, zone: "europe" });
		expect(quoteFor("FR", 4, "USD").cost).toBe(RATES.europe.base + 3 * RATES.europe.perItem);
	});

	it("quotes whole cents only", () => {
		for (const country of COUNTRIES) expect(Number.isInteger(quoteFor(country, 7, "USD").cost)).toBe(true);
	});

	it("takes a day longer for freight-sized orders", () => {
		expect(quoteFor("US", 21, "USD").estimatedDays).toBe(RATES.domestic.estimatedDays + 1);
	});

	it("knows the ISO 3166-1 alpha-2 codes, in either case, and nothing else", () => {
		expect(COUNTRIES.size).toBe(249);
		expect(countryCode("de")).toBe("DE");
		expect(countryCode("XX")).toBeNull();
		expect(countryCode("UK")).toBeNull();
	});
});

describe("a shipment's journey", () => {
	const timing = { shipAfterMs: 1_000, deliverAfterMs: 5_000 };

	it("ships when its time comes, not before", () => {
		const booked = { status: "booked" as const, moveDueAt: 10_000 };
		expect(dueMove(booked, 9_999, timing)).toBeNull();
		expect(dueMove(booked, 10_000, timing)).toEqual({ from: "booked", to: "shipped", at: 10_000, nextDueAt: 15_000 });
	});

	it("dates a late-seen move at the time it was due, so a restart does not shift the timeline", () => {
		expect(dueMove({ status: "shipped", moveDueAt: 15_000 }, 99_000, timing)).toEqual({ from: "shipped", to: "delivered", at: 15_000, nextDueAt: null });
	});

	it("never moves a cancelled or delivered parcel", () => {
		expect(dueMove({ status: "cancelled" }, 1e12, timing)).toBeNull();
		expect(dueMove({ status: "delivered" }, 1e12, timing)).toBeNull();
	});

	it("gives every parcel its own tracking id, led by the carrier's initials", () => {
		const ids = new Set(Array.from({ length: 1_000 }, () => trackingId("Atlas Air Parcel")));
		expect(ids.size).toBe(1_000);
		for (const id of ids) expect(id).toMatch(/^AA[A-HJ-NP-Z2-9]{10}$/);
	});
});

describe("shipping timing from the environment", () => {
	const saved = { ...process.env };
	afterEach(() => {
		process.env = { ...saved };
	});

	it("ships after a minute and delivers two minutes later unless told otherwise", () => {
		delete process.env.SHIPPING_SHIP_AFTER_MS;
		delete process.env.SHIPPING_DELIVER_AFTER_MS;
		expect(timingFromEnv()).toEqual({ shipAfterMs: 60_000, deliverAfterMs: 120_000 });
	});

	it("reads SHIPPING_SHIP_AFTER_MS and SHIPPING_DELIVER_AFTER_MS, and refuses nonsense", () => {
		process.env.SHIPPING_SHIP_AFTER_MS = "500";
		process.env.SHIPPING_DELIVER_AFTER_MS = "800";
		expect(timingFromEnv()).toEqual({ shipAfterMs: 500, deliverAfterMs: 800 });
		process.env.SHIPPING_SHIP_AFTER_MS = "-1";
		expect(() => timingFromEnv()).toThrow(/SHIPPING_SHIP_AFTER_MS/);
	});

	it("looks at stored shipments often enough to see a move soon after it is due", () => {
		expect(sweepIntervalFor({ shipAfterMs: 500, deliverAfterMs: 800 })).toBe(125);
		expect(sweepIntervalFor({ shipAfterMs: 60_000, deliverAfterMs: 120_000 })).toBe(5_000);
		expect(sweepIntervalFor({ shipAfterMs: 0, deliverAfterMs: 0 })).toBe(50);
	});
});
