// The one timer every sweep uses: one run at a time, off when its interval is 0, awaited on stop,
// and a failed run never stops the next.
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";

/** A run that waits at a gate the test opens, so the test sees a run in progress without sleeping. */
function gatedWork(everyMs: number, opts: { failFirst?: boolean } = {}) {
	const runs: { release: () => void }[] = [];
	let active = 0;
	let maxActive = 0;
	let calls = 0;
	let open = false;
	const arrived: (() => void)[] = [];
	const schema: ServiceSchema<{ everyMs: number }> = {
		name: "worker",
		mixins: [PeriodicWork({ name: "sweep", every: (s: { everyMs: number }) => s.everyMs, run: "sweep" })],
		settings: { everyMs },
		methods: {
			async sweep() {
				calls++;
				active++;
				maxActive = Math.max(maxActive, active);
				await new Promise<void>(release => {
					runs.push({ release });
					if (open) release();
					arrived.splice(0).forEach(notify => notify());
				});
				active--;
				if (opts.failFirst && calls === 1) throw new Error("store hiccup");
			},
		},
	};
	const nextArrival = () => new Promise<void>(resolve => arrived.push(resolve));
	/** Lets every run through from now on, so the broker can stop. */
	const openAll = () => {
		open = true;
		runs.forEach(r => r.release());
	};
	return { schema, runs, nextArrival, openAll, stats: () => ({ calls, maxActive, active }) };
}

describe("PeriodicWork", () => {
	let broker: ServiceBroker;
	let work: ReturnType<typeof gatedWork>;
	beforeEach(() => (broker = new ServiceBroker({ logger: false })));
	afterEach(() => {
		work.openAll();
		return broker.stop();
	});

	it("never overlaps a run that outlasts its interval", async () => {
		work = gatedWork(1);
		broker.createService(work.schema);
		const first = work.nextArrival();
		await broker.start();
		await first;
		// Many intervals pass while the first run is held at its gate: none starts beside it.
		await new Promise(resolve => setTimeout(resolve, 30));
		expect(work.stats()).toMatchObject({ calls: 1, maxActive: 1 });
		const second = work.nextArrival();
		work.runs[0].release();
		await second;
		expect(work.stats().maxActive).toBe(1);
		work.runs[1].release();
	});

	it("waits for a run in progress before the service has stopped", async () => {
		work = gatedWork(1);
		broker.createService(work.schema);
		const first = work.nextArrival();
		await broker.start();
		await first;
		let stopped = false;
		const stopping = broker.stop().then(() => (stopped = true));
		await new Promise(resolve => setImmediate(resolve));
		expect(stopped).toBe(false);
		work.openAll();
		await stopping;
		expect(work.stats().active).toBe(0);
	});

	it("runs again after a run that failed", async () => {
		work = gatedWork(1, { failFirst: true });
		broker.createService(work.schema);
		const first = work.nextArrival();
		await broker.start();
		await first;
		const second = work.nextArrival();
		work.runs[0].release();
		await second;
		expect(work.stats().calls).toBe(2);
		work.runs[1].release();
	});

	it("does nothing when its interval is 0", async () => {
		work = gatedWork(0);
		broker.createService(work.schema);
		await broker.start();
		await new Promise(resolve => setTimeout(resolve, 20));
		expect(work.stats().calls).toBe(0);
	});
});
