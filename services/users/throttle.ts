// Login throttle, after OWASP's advice that a stranger must not be able to lock an owner out:
// failures are counted per (account, client address) pair and per client address, so an
// attacker's failures close the attacker's own address; the account as a whole only has a
// generous ceiling, past which guesses from addresses it is not known at are slowed to one at a
// time, never stopped. An address where the account signed in before is "known" for it: it skips
// that brake and the client limit, so neither distributed guessing nor a noisy neighbour behind
// the same address keeps a returning owner out.
//
// The counters live in a collection of the users service's own store, the one thing every users
// instance must share anyway (they could not agree on who has an account otherwise), so the
// limits hold however many instances run, with or without Redis, and across restarts.
import crypto from "node:crypto";
import { isDuplicateKey, type Store } from "../../mixins/db.mixin";
import { WindowCounters, type CounterDoc, type Counted } from "./counters";

export type { CounterDoc } from "./counters";
import { clientKey } from "../../lib/client-key";
import { TooManyRequestsError } from "../../lib/errors";

export { clientKey } from "../../lib/client-key";

export interface ThrottleLimits {
	/** Failed logins on one account from one client before that client is refused for that account. */
	perPair: number;
	/** Failed logins from one client, on accounts it is not known for, before it is refused for all of those. */
	perClient: number;
	/** Failed logins on one account from clients it is not known for, before they are slowed down. */
	perAccount: number;
	/** Past `perAccount`, the clients not known for the account get one password check per this, between them. */
	paceMs: number;
	/** A window starts at a counter's first failure and lasts this long; the refusal lifts when it ends. */
	windowMs: number;
	/** A client that signs in to an account stays known for it this long after its last sign-in. */
	knownForMs: number;
}


/** An attempt under way: pass it back to `succeeded()` when the password was right. */
export interface Attempt {
	pairKey: string;
	knownKey: string;
	/** The client's and the account's counts, taken only for a client not known for the account. */
	shared: Counted[];
}

export class LoginThrottle {
	private readonly counters: WindowCounters;

	constructor(
		private readonly store: Store<CounterDoc>,
		private readonly limits: ThrottleLimits,
		private readonly now: () => number,
	) {
		this.counters = new WindowCounters(store);
	}

	/**
	 * Counts the attempt as a failure before the password is even checked, and refuses it with
	 * a 429 when a limit is passed. Counting first is what makes the limits hold against parallel
	 * guesses: a check-then-count would let them all through. A refused attempt gives its counts
	 * back, as its password is not checked: an owner retrying after a 429 does not lock themselves out.
	 */
	async begin(email: string, clientIp: string | null | undefined): Promise<Attempt> {
		const { perPair, perClient, perAccount, paceMs, windowMs } = this.limits;
		const keys = keysOf(email, clientIp);
		const now = this.now();
		const [known, pair] = await Promise.all([this.isKnown(keys.known, now), this.counters.hit(keys.pair, now, windowMs)]);
		const [client, account] = known ? [] : await Promise.all([this.counters.hit(keys.client, now, windowMs), this.counters.hit(keys.account, now, windowMs)]);
		const counted: Counted[] = [pair, ...(client && account ? [client, account] : [])];

		let wait = Math.max(waitFor(pair, perPair, now), client ? waitFor(client, perClient, now) : 0);
		if (!wait && account && account.count > perAccount) {
			// Many addresses are guessing this account: one password check at a time for all of them.
			const pace = await this.counters.hit(keys.pace, now, paceMs);
			wait = waitFor(pace, 1, now);
			if (wait) counted.push(pace);
		}
		if (wait) {
			await this.counters.giveBack(counted);
			throw new TooManyRequestsError(Math.max(1, Math.ceil(wait / 1000)), "Too many failed sign-ins; try again later");
		}
		return { pairKey: keys.pair, knownKey: keys.known, shared: client && account ? [client, account] : [] };
	}

	/** The password was right: this client starts afresh on the account, is known for it from now on, and the attempt was no failure. */
	async succeeded(attempt: Attempt): Promise<void> {
		const knownUntil = this.now() + this.limits.knownForMs;
		await Promise.all([this.store.removeMany({ _id: attempt.pairKey }), this.counters.giveBack(attempt.shared), this.remember(attempt.knownKey, knownUntil)]);
	}

	/** Drops the counters of windows that have ended, and the clients known for too long. */
	async sweep(): Promise<number> {
		return this.store.removeMany({ resetAt: { $lte: this.now() } });
	}

	private async isKnown(key: string, now: number): Promise<boolean> {
		const doc = await this.store.findOne({ _id: key });
		return doc !== null && doc.resetAt > now;
	}

	private async remember(key: string, until: number): Promise<void> {
		// The count changes on every sign-in, so both stores report the update as a change.
		if ((await this.store.updateMany({ _id: key }, { $set: { resetAt: until }, $inc: { count: 1 } })) > 0) return;
		try {
			await this.store.insert({ _id: key, count: 1, resetAt: until });
		} catch (err) {
			if (!isDuplicateKey(err)) throw err; // a sign-in from there in parallel remembered it
		}
	}

}

/** How long until `counter` lets attempts through again, or 0 when it is within `limit`. */
function waitFor(counter: CounterDoc, limit: number, now: number): number {
	return counter.count > limit ? Math.max(1, counter.resetAt - now) : 0;
}

/**
 * Counters are keyed by digests: the collection holds neither emails nor addresses. A call
 * without an address (not through the gateway) counts as one client of its own.
 */
function keysOf(email: string, clientIp: string | null | undefined) {
	const client = clientIp ? clientKey(clientIp) : "";
	const account = digest(email);
	// The client first: it holds no newline, so no two pairs share a digest input.
	const pair = digest(`${client}\n${email}`);
	return { pair: `pair:${pair}`, known: `known:${pair}`, client: `client:${digest(client)}`, account: `account:${account}`, pace: `pace:${account}` };
}

export function digest(value: string): string {
	return crypto.createHash("sha256").update(value).digest("base64url");
}
