// How an idempotent read is called: a short per-attempt timeout and one retry, which the balancer
// sends to another instance (lib/retry-elsewhere.strategy.ts). With a healthy replica, a replica's
// death costs a shopper one short wait, not an error. Only for actions that change nothing: each
// action that spreads this says why it is safe to repeat.
export const IDEMPOTENT_READ = {
	/** Per attempt: far above a read's normal time, far below the 3 s a shopper would wait for a dead node. */
	timeout: 1_000,
	retryPolicy: { enabled: true, retries: 1 },
} as const;
