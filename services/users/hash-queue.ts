// Where password hashes wait for a thread. Each scrypt takes a thread of libuv's pool (4 by default,
// which file I/O and DNS need too), 32 MiB and about a quarter of a second, so only a few run at
// once; the rest wait here, and the wait is what an attacker would lengthen. So:
// - sign-ins go first, and sign-ups never hold every slot: a flood of registrations cannot keep
//   a returning customer from signing in;
// - the waiting line is bounded: past it the answer is a fast 503 with Retry-After, not a long wait;
// - work whose caller has already given up (its deadline passed while it waited) is skipped.
import { BusyError } from "../../lib/errors";

export type HashPriority = "sign-in" | "sign-up";

export interface HashJob {
	priority?: HashPriority;
	/** Epoch ms after which nobody waits for the answer any more. */
	deadline?: number;
}

export interface HashQueueLimits {
	/** Hashes at once. */
	slots: number;
	/** Sign-ins waiting, at most; the next one is refused. */
	maxWaitingSignIns: number;
	/** Sign-ups waiting, at most. */
	maxWaitingSignUps: number;
}

export const HASH_QUEUE_LIMITS: HashQueueLimits = { slots: 2, maxWaitingSignIns: 64, maxWaitingSignUps: 8 };

/** Seconds a refused caller is told to wait: about the time the line takes to move on. */
const RETRY_AFTER_SECONDS = 2;

interface Waiting {
	priority: HashPriority;
	deadline: number;
	start: () => void;
	skip: (err: Error) => void;
}

export class HashQueue {
	private running = { "sign-in": 0, "sign-up": 0 };
	private readonly waiting: Record<HashPriority, Waiting[]> = { "sign-in": [], "sign-up": [] };

	constructor(
		private readonly limits: HashQueueLimits = HASH_QUEUE_LIMITS,
		private readonly now: () => number = Date.now,
	) {}

	/** How many hashes run and wait now, by kind (for tests and logs). */
	get load() {
		return { running: { ...this.running }, waiting: { "sign-in": this.waiting["sign-in"].length, "sign-up": this.waiting["sign-up"].length } };
	}

	async run<T>(work: () => Promise<T>, job: HashJob = {}): Promise<T> {
		const priority = job.priority ?? "sign-in";
		if (!this.mayStart(priority)) {
			const line = this.waiting[priority];
			const max = priority === "sign-in" ? this.limits.maxWaitingSignIns : this.limits.maxWaitingSignUps;
			if (line.length >= max) throw new BusyError("users", RETRY_AFTER_SECONDS, "Too many sign-ins and sign-ups at once; try again in a moment");
			await new Promise<void>((start, skip) => line.push({ priority, deadline: job.deadline ?? Infinity, start, skip }));
		} else {
			this.running[priority]++;
		}
		try {
			return await work();
		} finally {
			this.running[priority]--;
			this.startNext();
		}
	}

	/** Sign-ups may use every slot but one, so a sign-in always finds one soon. */
	private mayStart(priority: HashPriority): boolean {
		const total = this.running["sign-in"] + this.running["sign-up"];
		if (total >= this.limits.slots) return false;
		if (priority === "sign-in") return true;
		return this.waiting["sign-in"].length === 0 && this.running["sign-up"] < Math.max(1, this.limits.slots - 1);
	}

	private startNext(): void {
		for (const priority of ["sign-in", "sign-up"] as const) {
			const line = this.waiting[priority];
			while (line.length && this.mayStartWaiting(priority)) {
				const next = line.shift() as Waiting;
				if (next.deadline <= this.now()) {
					next.skip(new BusyError("users", RETRY_AFTER_SECONDS, "The request timed out while waiting to check a password"));
					continue;
				}
				this.running[priority]++;
				next.start();
			}
		}
	}

	private mayStartWaiting(priority: HashPriority): boolean {
		const total = this.running["sign-in"] + this.running["sign-up"];
		if (total >= this.limits.slots) return false;
		return priority === "sign-in" || this.running["sign-up"] < Math.max(1, this.limits.slots - 1);
	}
}
