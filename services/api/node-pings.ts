// Which nodes answer, for GET /api/health/ready, without making the probe wait on a node that
// does not. A load balancer asks every second or so and gives up after about a second: readiness
// that pings a node killed a moment ago (the cluster notices a death only 4 to 9 s later) and
// waits out the ping's timeout would take the healthy gateway out of rotation. So each node's last
// answer is remembered; a node is pinged again in the background once that answer is older than
// `refreshMs`, and counts as answering while it is younger than `freshMs`. A probe waits for the
// pings it started at most `waitMs`: long enough for a live node to answer, never for a dead one.

export interface NodePingOptions {
	/** A node whose last answer is older than this is pinged again. */
	refreshMs: number;
	/** A node counts as answering while its last answer is younger than this. */
	freshMs: number;
	/** The longest a probe waits for the pings it started. */
	waitMs: number;
}

/** Asks one node; true when it answered within its own timeout. */
export type Ping = (nodeID: string) => Promise<boolean>;

export class NodePings {
	private readonly answeredAt = new Map<string, number>();
	private readonly inFlight = new Map<string, Promise<void>>();

	constructor(
		private readonly ping: Ping,
		private readonly opts: NodePingOptions,
	) {}

	/** Those of `nodeIDs` that answered recently (waiting a bounded time for the ones not asked lately). */
	async answering(nodeIDs: Iterable<string>): Promise<Set<string>> {
		const ids = [...nodeIDs];
		const started = ids.filter(id => !this.recent(id, this.opts.refreshMs)).map(id => this.pingOnce(id));
		if (started.length > 0) {
			let timer: NodeJS.Timeout | undefined;
			const bound = new Promise<void>(resolve => (timer = setTimeout(resolve, this.opts.waitMs)));
			await Promise.race([Promise.all(started), bound]);
			clearTimeout(timer);
		}
		return new Set(ids.filter(id => this.recent(id, this.opts.freshMs)));
	}

	/** Forget nodes that are gone from the registry, so the map stays as small as the cluster. */
	keepOnly(nodeIDs: Set<string>): void {
		for (const id of this.answeredAt.keys()) if (!nodeIDs.has(id)) this.answeredAt.delete(id);
	}

	private recent(nodeID: string, withinMs: number): boolean {
		const at = this.answeredAt.get(nodeID);
		return at !== undefined && Date.now() - at < withinMs;
	}

	/** One ping per node at a time, however many probes ask. */
	private pingOnce(nodeID: string): Promise<void> {
		let pending = this.inFlight.get(nodeID);
		if (!pending) {
			pending = this.ping(nodeID)
				.then(
					ok => {
						if (ok) this.answeredAt.set(nodeID, Date.now());
					},
					() => undefined,
				)
				.finally(() => this.inFlight.delete(nodeID));
			this.inFlight.set(nodeID, pending);
		}
		return pending;
	}
}
