// Counters in fixed windows, kept in the users service's own store so that every users instance
// counts together (the login and sign-up throttles). Each step is one conditional write, so
// concurrent hits never lose a count.
import { isDuplicateKey, type Doc, type Store } from "../../mixins/db.mixin";

export interface CounterDoc extends Doc {
	/** Hits in the window (for a client known for an account: its sign-ins). */
	count: number;
	/** Epoch ms when this window ends (for a known client: when it stops being known). */
	resetAt: number;
}

/** One count taken, in the window it was taken in: giving it back must not reach into a new window. */
export interface Counted {
	_id: string;
	resetAt: number;
}

export class WindowCounters {
	constructor(private readonly store: Store<CounterDoc>) {}

	/** One more hit for `key`, in its current window or a new one of `windowMs`; the counter as it is now. */
	async hit(key: string, now: number, windowMs: number): Promise<CounterDoc> {
		const resetAt = now + windowMs;
		for (let tries = 0; tries < 5; tries++) {
			if ((await this.store.updateMany({ _id: key, resetAt: { $gt: now } }, { $inc: { count: 1 } })) > 0) {
				return (await this.store.findOne({ _id: key })) ?? { _id: key, count: 1, resetAt };
			}
			if ((await this.store.updateMany({ _id: key, resetAt: { $lte: now } }, { $set: { count: 1, resetAt } })) > 0) {
				return { _id: key, count: 1, resetAt };
			}
			try {
				return await this.store.insert({ _id: key, count: 1, resetAt });
			} catch (err) {
				if (!isDuplicateKey(err)) throw err; // another attempt created it first: count on it
			}
		}
		throw new Error(`Could not count a hit for ${key}`);
	}

	async giveBack(counted: Counted[]): Promise<void> {
		await Promise.all(counted.map(({ _id, resetAt }) => this.store.updateMany({ _id, resetAt, count: { $gt: 0 } }, { $inc: { count: -1 } })));
	}
}
