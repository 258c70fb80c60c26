// How fast parcels travel, read from the environment: minutes on a demo, milliseconds in tests.
import { envInt } from "../../lib/config";
import type { Timing } from "./shipments";

/** SHIPPING_SHIP_AFTER_MS (default 60 s) and SHIPPING_DELIVER_AFTER_MS (default 120 s after shipping). */
export function timingFromEnv(): Timing {
	return {
		shipAfterMs: envInt("SHIPPING_SHIP_AFTER_MS", 60_000),
		deliverAfterMs: envInt("SHIPPING_DELIVER_AFTER_MS", 120_000),
	};
}

/** A quarter of the shorter wait, within 50 ms – 5 s: a move is seen soon after it is due, without busy polling. */
export function sweepIntervalFor(timing: Timing): number {
	return Math.min(5_000, Math.max(50, Math.floor(Math.min(timing.shipAfterMs, timing.deliverAfterMs) / 4)));
}
