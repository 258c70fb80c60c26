// The shipping service on a clock the test moves, with parcels that ship after a minute and
// arrive two minutes later, and its timer out of the way (the tests sweep by hand).
import type { ServiceSchema } from "moleculer";
import ShippingService from "../../services/shipping/shipping.service";

export const SHIP_AFTER = 60_000;
export const DELIVER_AFTER = 120_000;

export function shippingOnClock(now: () => number): ServiceSchema {
	return {
		name: "shipping",
		mixins: [ShippingService as unknown as ServiceSchema],
		settings: { shipAfterMs: SHIP_AFTER, deliverAfterMs: DELIVER_AFTER, sweepIntervalMs: 3_600_000 },
		methods: { now },
	} as ServiceSchema;
}
