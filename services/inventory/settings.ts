// How often inventory looks for expired reservations, from how long they hold stock (lib/config.ts reads that).

/** How often to look for expired reservations: often enough that stock comes back soon after its time. */
export function sweepIntervalFor(ttlMs: number): number {
	return Math.min(5_000, Math.max(50, Math.floor(ttlMs / 4)));
}
