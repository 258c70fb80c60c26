import { HashQueue } from "../../services/users/hash-queue";

/** A piece of work that runs until released, recording that it started. */
function gate(name: string, started: string[]) {
	let release: () => void = () => undefined;
	const done = new Promise<void>(resolve => (release = resolve));
	return {
		work: async () => {
			started.push(name);
			await done;
			return name;
		},
		release: () => release(),
	};
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe("the password hash queue", () => {
	it("lets sign-ins go first and never gives every slot to sign-ups", async () => {
		const queue = new HashQueue({ slots: 2, maxWaitingSignIns: 10, maxWaitingSignUps: 10 });
		const started: string[] = [];
		const up1 = gate("up1", started);
		const up2 = gate("up2", started);
		const in1 = gate("in1", started);
		const runs = [queue.run(up1.work, { priority: "sign-up" }), queue.run(up2.work, { priority: "sign-up" })];
		await flush();
		expect(started).toEqual(["up1"]); // the second slot stays free for a sign-in
		runs.push(queue.run(in1.work, { priority: "sign-in" }));
		await flush();
		expect(started).toEqual(["up1", "in1"]);
		up1.release();
		await flush();
		expect(started).toEqual(["up1", "in1", "up2"]);
		in1.release();
		up2.release();
		expect(await Promise.all(runs)).toEqual(["up1", "up2", "in1"]);
	});

	it("refuses at once with a 503 and Retry-After when the line is full", async () => {
		const queue = new HashQueue({ slots: 1, maxWaitingSignIns: 1, maxWaitingSignUps: 1 });
		const started: string[] = [];
		const first = gate("first", started);
		const running = queue.run(first.work, { priority: "sign-up" });
		const waiting = queue.run(async () => "second", { priority: "sign-up" });
		await expect(queue.run(async () => "third", { priority: "sign-up" })).rejects.toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE", data: { retryAfter: expect.any(Number) } });
		first.release();
		expect(await Promise.all([running, waiting])).toEqual(["first", "second"]);
	});

	it("skips work whose caller stopped waiting before its turn came", async () => {
		let now = 1_000;
		const queue = new HashQueue({ slots: 1, maxWaitingSignIns: 5, maxWaitingSignUps: 5 }, () => now);
		const started: string[] = [];
		const first = gate("first", started);
		const running = queue.run(first.work);
		const late = queue.run(async () => started.push("late"), { deadline: 1_500 });
		const onTime = queue.run(async () => started.push("on time"), { deadline: 5_000 });
		now = 2_000;
		first.release();
		await running;
		await expect(late).rejects.toMatchObject({ code: 503 });
		await onTime;
		expect(started).toEqual(["first", "on time"]);
	});
});
