// Login throttle: failed sign-ins counted per account and per client address. The counters live
// in a collection of the users service's own store, the one thing every users instance must
// share anyway (they could not agree on who has an account otherwise), so the limits hold however
// many instances run, with or without Redis, and across restarts.
import crypto from "node:crypto";
import net from "node:net";
import type { Doc, Store } from "../../mixins/db.mixin";
import { TooManyRequestsError } from "../errors";
import { isDuplicateKey } from "./account";

export interface ThrottleLimits {
	/** Failed logins for one account within a window before that account is refused. */
	perAccount: number;
	/** Failed logins from one client address, whatever the accounts, before that client is refused. */
	perClient: number;
	/** A window starts at the first failure and lasts this long; the refusal lifts when it ends. */
	windowMs: number;
}

export interface CounterDoc extends Doc {
	count: number;
	/** Epoch ms when this window ends. */
	resetAt: number;
}

/** An attempt under way: pass it back to `succeeded()` when the password was right. */
export interface Attempt {
	accountKey: string;
	client: { key: string; resetAt: number } | null;
}

export class LoginThrottle {
	constructor(
		private readonly store: Store<CounterDoc>,
		private readonly limits: ThrottleLimits,
		private readonly now: () => number,
	) {}

	/**
	 * Counts the attempt as a failure before the password is even checked, and refuses it with
	 * a 429 when the account or the client is over its limit. Counting first is what makes the
	 * limit hold against parallel guesses: a check-then-count would let them all through.
	 */
	async begin(email: string, clientIp: string | null | undefined): Promise<Attempt> {
		const accountKey = `account:${digest(email)}`;
		const clientKeyed = clientIp ? `client:${digest(clientKey(clientIp))}` : null;
		const now = this.now();
		const [account, client] = await Promise.all([this.hit(accountKey, now), clientKeyed ? this.hit(clientKeyed, now) : null]);

		const waits: number[] = [];
		if (account.count > this.limits.perAccount) waits.push(account.resetAt - now);
		if (client && client.count > this.limits.perClient) waits.push(client.resetAt - now);
		if (waits.length) throw new TooManyRequestsError(Math.max(1, Math.ceil(Math.max(...waits) / 1000)), "Too many failed sign-ins; try again later");

		return { accountKey, client: client && clientKeyed ? { key: clientKeyed, resetAt: client.resetAt } : null };
	}

	/** The password was right: the account starts afresh, and this attempt stops counting against the client. */
	async succeeded(attempt: Attempt): Promise<void> {
		await Promise.all([
			this.store.removeMany({ _id: attempt.accountKey }),
			// Only in the window it was counted in: a new window must not start below zero.
			attempt.client && this.store.updateMany({ _id: attempt.client.key, resetAt: attempt.client.resetAt, count: { $gt: 0 } }, { $inc: { count: -1 } }),
		]);
	}

	/** Drops the counters of windows that have ended. */
	async sweep(): Promise<number> {
		return this.store.removeMany({ resetAt: { $lte: this.now() } });
	}

	/** One more failure for `key`; each step is a single conditional write, so concurrent hits never lose a count. */
	private async hit(key: string, now: number): Promise<CounterDoc> {
		const resetAt = now + this.limits.windowMs;
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
		throw new Error(`Could not count a login attempt for ${key}`);
	}
}

/** Counters are keyed by digests: the collection holds neither emails nor addresses. */
function digest(value: string): string {
	return crypto.createHash("sha256").update(value).digest("base64url");
}

/**
 * Who counts as one client: an IPv4 address, or an IPv6 /64, the block a single subscriber
 * usually gets (per address, one machine could pick a fresh one for every guess).
 */
export function clientKey(ip: string): string {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
	if (mapped) return mapped;
	if (!net.isIPv6(ip)) return ip;
	const address = ip.split("%")[0].toLowerCase();
	const [head, tail] = address.includes("::") ? address.split("::") : [address, null];
	const left = head ? head.split(":") : [];
	const right = tail ? tail.split(":") : [];
	const groups = tail === null ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
	return `${groups
		.slice(0, 4)
		.map(g => g.replace(/^0+(?=.)/, ""))
		.join(":")}::/64`;
}
