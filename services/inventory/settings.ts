// The inventory's timing: how long a reservation holds stock and how often expired ones are looked for.

export const DEFAULT_RESERVATION_TTL_MS = 15 * 60_000;

/** How often to look for expired reservations: often enough that stock comes back soon after its time. */
export function sweepIntervalFor(ttlMs: number): number {
	return Math.min(5_000, Math.max(50, Math.floor(ttlMs / 4)));
}
