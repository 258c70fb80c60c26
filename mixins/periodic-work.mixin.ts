// Background work on a timer, written once for every service that needs it (sweeps of expired
// reservations, carts, throttles; the orders recovery sweep; shipments moving on; e-mail retries).
//
//   mixins: [PeriodicWork({ name: "sweep", every: s => s.sweepIntervalMs, run: "sweepExpired" })]
//
// - One run at a time: a run that outlasts the interval delays the next, never overlaps it.
// - `every` is read from the service's settings when it starts (so tests and config set it);
//   0 or less turns the work off.
// - Stopping the service waits for a run in progress, so nothing writes after its store closed.
// - A failed run is logged and the next one comes on time: background work never kills a node.
import type { Service, ServiceSchema } from "moleculer";

export interface PeriodicWorkOptions<S> {
	/** Names this work in logs, and in `this.periodic[name]`. */
	name: string;
	/** Milliseconds between the end of a run and the start of the next; ≤ 0 never. */
	every: (settings: S) => number;
	/** The service method to run. */
	run: string;
	/** Run once right after start (before the first interval), without delaying start-up. */
	runAtStart?: boolean;
}

/** A running timer's state; `kick()` runs the work soon instead of waiting out the interval. */
export interface PeriodicState {
	timer: NodeJS.Timeout | null;
	running: Promise<void> | null;
	stopped: boolean;
	kick(): void;
}

type WithPeriodic = Service & { periodic?: Record<string, PeriodicState> } & Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function PeriodicWork<S = any>(opts: PeriodicWorkOptions<S>): Partial<ServiceSchema> {
	return {
		started(this: WithPeriodic) {
			const every = opts.every(this.settings as S);
			const state: PeriodicState = { timer: null, running: null, stopped: false, kick: () => undefined };
			(this.periodic ??= {})[opts.name] = state;
			if (!(every > 0)) return;

			const runOnce = (): Promise<void> => {
				if (state.running || state.stopped) return state.running ?? Promise.resolve();
				const method = this[opts.run] as () => Promise<unknown>;
				state.running = Promise.resolve()
					.then(() => method.call(this))
					.then(
						() => undefined,
						err => this.logger.warn(`Periodic '${opts.name}' failed; it runs again in ${every} ms:`, (err as Error).message),
					)
					.finally(() => {
						state.running = null;
						schedule(every);
					});
				return state.running;
			};
			const schedule = (ms: number) => {
				if (state.stopped) return;
				if (state.timer) clearTimeout(state.timer);
				state.timer = setTimeout(() => {
					state.timer = null;
					void runOnce();
				}, ms);
			};
			state.kick = () => {
				if (!state.running) schedule(0);
			};
			if (opts.runAtStart) schedule(0);
			else schedule(every);
		},

		async stopped(this: WithPeriodic) {
			const state = this.periodic?.[opts.name];
			if (!state) return;
			state.stopped = true;
			if (state.timer) clearTimeout(state.timer);
			await state.running;
		},
	};
}
