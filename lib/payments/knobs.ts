// The processor's demo knobs, read from the environment: how slow it is and how often it is out.

function readNumber(name: string, fallback: number, min: number, max: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
	return value;
}

/** PAYMENTS_LATENCY_MS: added to every charge at the processor (default 0). */
export function latencyFromEnv(): number {
	return Math.round(readNumber("PAYMENTS_LATENCY_MS", 0, 0, 600_000));
}

/** PAYMENTS_FAILURE_RATE: share (0–1) of processor calls that fail as an outage, not a decline (default 0). */
export function failureRateFromEnv(): number {
	return readNumber("PAYMENTS_FAILURE_RATE", 0, 0, 1);
}
