// A load balancer for the cluster tests that run several gateways (rolling-stateless, gateway-drain).
import { http } from "./http";

/**
 * A load balancer in front of the gateways, as HAProxy or nginx does it: round robin over the
 * gateways its health check finds ready (GET /api/health/ready every 250 ms; out after 3 failed
 * checks in a row, in again after 2 passed). A GET that gets no answer at all (connection refused
 * or reset) goes to another gateway through `get`, and the one that did not answer is out until
 * its checks pass again; `pickGateway` is for a client that never retries. An HTTP answer,
 * whatever its status, is the answer.
 */
export class Balancer {
	private readonly up: boolean[];
	private readonly streak: number[];
	private next = 0;
	private checking = true;
	/** Requests that got no answer from one gateway and were passed to another. */
	passedOn = 0;
	/** Why each of those got no answer. */
	readonly passedWhy: string[] = [];
	readonly checks: Promise<void>;

	constructor(private readonly gateways: string[]) {
		this.up = gateways.map(() => true);
		this.streak = gateways.map(() => 0);
		this.checks = this.healthChecks();
	}

	async get(path: string): Promise<{ status: number; body: any; gateway: string }> {
		const tried = new Set<number>();
		for (;;) {
			const i = this.pick(tried);
			tried.add(i);
			try {
				const res = await http.get(`${this.gateways[i]}/api${path}`, { timeoutMs: 10_000 });
				return { ...res, gateway: this.gateways[i] };
			} catch (err) {
				this.markDown(i);
				if (tried.size === this.gateways.length) throw err;
				this.passedOn++;
				const cause = (err as { cause?: { code?: string } }).cause;
				this.passedWhy.push(`${this.gateways[i]}${path}: ${cause?.code ?? (err as Error).message}`);
			}
		}
	}

	stop(): Promise<void> {
		this.checking = false;
		return this.checks;
	}

	/** The gateway a request that is not passed on goes to (a client that never retries). */
	pickGateway(): string {
		return this.gateways[this.pick(new Set())];
	}

	/** The next gateway in turn that is up and not tried yet; with none up, the next not tried. */
	private pick(tried: Set<number>): number {
		const untried = this.gateways.map((_, i) => i).filter(i => !tried.has(i));
		const start = this.next++;
		const inTurn = untried.map((_, n) => untried[(start + n) % untried.length]);
		return inTurn.find(i => this.up[i]) ?? inTurn[0];
	}

	private markDown(i: number): void {
		this.up[i] = false;
		this.streak[i] = 0;
	}

	private async healthChecks(): Promise<void> {
		while (this.checking) {
			await Promise.all(
				this.gateways.map(async (gw, i) => {
					const passed = (await http.get(`${gw}/api/health/ready`, { timeoutMs: 1_000 }).catch(() => null))?.status === 200;
					// A streak counts passes while down, failures while up.
					this.streak[i] = passed !== this.up[i] ? this.streak[i] + 1 : 0;
					if (this.up[i] && this.streak[i] >= 3) this.markDown(i);
					else if (!this.up[i] && this.streak[i] >= 2) [this.up[i], this.streak[i]] = [true, 0];
				}),
			);
			await new Promise(r => setTimeout(r, 250));
		}
	}
}
