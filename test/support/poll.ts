// The one poller: waits for a condition the test cannot be told about (another process, a
// timer inside the system), checking often, and fails with what it last saw when time runs out.
export async function waitFor<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, opts: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<T> {
	const { timeoutMs = 10_000, everyMs = 50, what = "the condition" } = opts;
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	let lastError: unknown;
	for (;;) {
		try {
			last = await probe();
			if (accept(last)) return last;
		} catch (err) {
			lastError = err;
		}
		if (Date.now() >= deadline) {
			const seen = lastError ? `last error: ${(lastError as Error).message}` : `last value: ${JSON.stringify(last)?.slice(0, 500)}`;
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
		}
		await new Promise(resolve => setTimeout(resolve, everyMs));
	}
}
