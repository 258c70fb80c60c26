// Sign-ups per client address: each one costs a password hash, so one client may only start so
// many in a window (429 with Retry-After past that). Keyed like the login throttle (an IPv4
// address, an IPv6 /64) and counted in the same collection, so every users instance agrees.
import type { Store } from "../../mixins/db.mixin";
import { TooManyRequestsError } from "../../lib/errors";
import { WindowCounters, type CounterDoc } from "./counters";
import { clientKey } from "../../lib/client-key";
import { digest } from "./throttle";

export interface SignUpLimits {
	/** Sign-ups one client may start in a window; 0 turns the limit off. */
	perClient: number;
	windowMs: number;
}

export class SignUpThrottle {
	private readonly counters: WindowCounters;

	constructor(
		store: Store<CounterDoc>,
		private readonly limits: SignUpLimits,
		private readonly now: () => number,
	) {
		this.counters = new WindowCounters(store);
	}

	/** Counts a sign-up from `clientIp`, or refuses it with a 429 (the refused one is given back, so waiting out the window is enough). */
	async begin(clientIp: string | null | undefined): Promise<void> {
		const { perClient, windowMs } = this.limits;
		if (perClient <= 0) return;
		const now = this.now();
		const counter = await this.counters.hit(`signup:${digest(clientIp ? clientKey(clientIp) : "")}`, now, windowMs);
		if (counter.count <= perClient) return;
		await this.counters.giveBack([counter]);
		throw new TooManyRequestsError(Math.max(1, Math.ceil((counter.resetAt - now) / 1000)), "Too many sign-ups from this address; try again later");
	}
}
