// One clock for every service: `this.now()` is epoch milliseconds, the one time type inside the
// shop (ISO strings only at the edges: stored documents' dates and answers). Tests control time
// by mixing in their own `now`, e.g. `{ methods: { now: () => fake.now } }`.
import type { ServiceSchema } from "moleculer";

export const Clock: Partial<ServiceSchema> = {
	methods: {
		now(): number {
			return Date.now();
		},
	},
};

/** What a service using the clock has. */
export interface ClockMethods {
	now(): number;
}
