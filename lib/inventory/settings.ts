// The inventory's own settings from the environment (the shop-wide ones are in lib/config.ts).

/** A positive whole number of milliseconds from `name`, or `fallback` when unset. */
export function envMs(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a whole number of milliseconds > 0, not "${raw}"`);
	return value;
}

export const DEFAULT_RESERVATION_TTL_MS = 15 * 60_000;

/** How often to look for expired reservations: often enough that stock comes back soon after its time. */
export function sweepIntervalFor(ttlMs: number): number {
	return Math.min(5_000, Math.max(50, Math.floor(ttlMs / 4)));
}
