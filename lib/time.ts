// Waiting, in the two ways the services need it.

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

/** Waits for `work`, but no longer than `ms`; the work itself goes on either way. */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([work, new Promise(resolve => (timer = setTimeout(resolve, ms)))]);
	clearTimeout(timer);
}
