// How an idempotent read is called: a short per-attempt timeout and one retry, which the balancer
// sends to another instance (lib/retry-elsewhere.strategy.ts). With a healthy replica, a replica's
// death costs a shopper one short wait, not an error. Only for actions that change nothing: each
// action that uses it says why it is safe to repeat.

/**
 * `attemptMs`: how long one attempt may take — far above the read's normal time, below the 3 s a
 * shopper would otherwise wait for a dead node, and above the timeouts of the calls the read
 * itself makes (a cart waits up to 2 s for products before it answers 503 naming it).
 */
export function idempotentRead(attemptMs = 1_000) {
	return { timeout: attemptMs, retryPolicy: { enabled: true, retries: 1 } } as const;
}
