// The shipping service on a clock the test moves, with parcels that ship after a minute and
// arrive two minutes later, and its timer out of the way (the tests sweep by hand).
import type { ServiceBroker, ServiceSchema } from "moleculer";
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

/** One sweep of the broker's shipping service, now: parcels due on its clock move on. */
export function sweepShipments(broker: ServiceBroker): Promise<number> {
	return (broker.getLocalService("shipping") as unknown as { sweep(): Promise<number> }).sweep();
}
