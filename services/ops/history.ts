// The last minutes of service metrics, kept by the ops service itself (it samples the cluster on a
// timer), so an operator who has just opened the page sees what happened before they came, not
// only from then on. Each ops instance keeps its own; samples older than the window are dropped.
import type { MetricsSample, ServiceMetrics } from "./ops.contract";

export class MetricsHistory {
	private readonly kept: MetricsSample[] = [];

	constructor(private readonly windowMs: number) {}

	/** Records the rows of one moment (only the numbers a chart draws: nodes and breakers are live-only). */
	add(at: number, rows: ServiceMetrics[]): void {
		this.kept.push({
			at: new Date(at).toISOString(),
			services: rows.map(({ name, requestsPerSecond, errorsPerSecond, p95Ms }) => ({ name, requestsPerSecond, errorsPerSecond, p95Ms })),
		});
		this.forget(at);
	}

	/** The samples of the window ending `now`, oldest first. */
	samples(now: number): MetricsSample[] {
		this.forget(now);
		return this.kept.slice();
	}

	private forget(now: number): void {
		while (this.kept.length > 0 && Date.parse(this.kept[0].at) < now - this.windowMs) this.kept.shift();
	}
}
