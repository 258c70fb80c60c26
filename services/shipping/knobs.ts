// How often stored shipments are looked at, from how fast parcels travel (lib/config.ts reads that).
import type { Timing } from "./shipments";

/** A quarter of the shorter wait, within 50 ms – 5 s: a move is seen soon after it is due, without busy polling. */
export function sweepIntervalFor(timing: Timing): number {
	return Math.min(5_000, Math.max(50, Math.floor(Math.min(timing.shipAfterMs, timing.deliverAfterMs) / 4)));
}
