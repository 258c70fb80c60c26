// The ops service's memory of the last minutes: what falls out of the window is forgotten.
import { MetricsHistory } from "../../services/ops/history";

const row = (name: string, requestsPerSecond: number) => ({ name, nodes: 1, requestsPerSecond, errorsPerSecond: 0, p95Ms: 3, breaker: "closed" as const });

describe("the metrics history", () => {
	it("keeps the samples of the window, oldest first, with the numbers a chart draws", () => {
		const history = new MetricsHistory(60_000);
		for (let t = 0; t <= 120_000; t += 10_000) history.add(t, [row("payments", t / 1000)]);
		const kept = history.samples(120_000);
		expect(kept.map(s => Date.parse(s.at))).toEqual([60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000]);
		expect(kept[0].services).toEqual([{ name: "payments", requestsPerSecond: 60, errorsPerSecond: 0, p95Ms: 3 }]);
	});

	it("forgets everything once the window has passed with no sample", () => {
		const history = new MetricsHistory(60_000);
		history.add(0, [row("payments", 1)]);
		expect(history.samples(30_000)).toHaveLength(1);
		expect(history.samples(61_000)).toEqual([]);
	});
});
