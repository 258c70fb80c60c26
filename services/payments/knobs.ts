// The processor's demo knobs, read from the environment: how slow it is and how often it is out.
import { envNumber } from "../../lib/config";

/** PAYMENTS_LATENCY_MS: added to every charge at the processor (default 0). */
export function latencyFromEnv(): number {
	return Math.round(envNumber("PAYMENTS_LATENCY_MS", 0, 0, 600_000));
}

/** PAYMENTS_FAILURE_RATE: share (0–1) of processor calls that fail as an outage, not a decline (default 0). */
export function failureRateFromEnv(): number {
	return envNumber("PAYMENTS_FAILURE_RATE", 0, 0, 1);
}
