// The one table `npm run bench` prints: each figure, its aim (issue 13), the ratio that decides
// it, and whether the aim is met. A report, not a test: an aim not met is a row, not a failure.

export interface Row {
	/** What was measured, and how (store, shoppers, sizes). */
	figure: string;
	/** The measured figures, as a reader wants them ("540 /s", "3.1 ms vs 1.2 ms"). */
	measured: string;
	aim: string;
	/** What is compared with the aim: a ratio between two figures, or a figure over its limit. */
	ratio: number | null;
	/** null: measured for information; there is no aim. */
	met: boolean | null;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** A figure in its unit, with as many digits as are worth reading. */
export function amount(value: number, unit: string): string {
	const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
	return `${fixed(value, digits)} ${unit}`;
}

/** `value` must reach `min` (throughput): the ratio is value / min. */
export function atLeast(figure: string, value: number, unit: string, min: number, aimNote = ""): Row {
	return { figure, measured: amount(value, unit), aim: `≥ ${amount(min, unit)}${aimNote}`, ratio: value / min, met: value >= min };
}

/** `value` must stay under `max` (latency, memory, time): the ratio is value / max. */
export function atMost(figure: string, value: number, unit: string, max: number): Row {
	return { figure, measured: amount(value, unit), aim: `≤ ${amount(max, unit)}`, ratio: value / max, met: value <= max };
}

/** `value` must be at least `min` times `baseline`, both measured in the same run. */
export function ratioAtLeast(figure: string, value: number, baseline: number, unit: string, min: number): Row {
	const ratio = value / baseline;
	return { figure, measured: `${amount(value, unit)} vs ${amount(baseline, unit)}`, aim: `≥ ${min}×`, ratio, met: ratio >= min };
}

/** A page at a large catalog against the same page at a small one: at most `maxRatio` times, and at most `maxMs`. */
export function scalesWithin(figure: string, largeMs: number, smallMs: number, maxRatio: number, maxMs: number): Row {
	const ratio = largeMs / smallMs;
	return { figure, measured: `${amount(largeMs, "ms")} vs ${amount(smallMs, "ms")}`, aim: `≤ ${maxRatio}× and ≤ ${maxMs} ms`, ratio, met: ratio <= maxRatio && largeMs <= maxMs };
}

/** Two figures of the same run compared for information (before and after a change). */
export function compared(figure: string, value: number, baseline: number, unit: string): Row {
	return { figure, measured: `${amount(value, unit)} vs ${amount(baseline, unit)}`, aim: "—", ratio: value / baseline, met: null };
}

/** A benchmark that did not finish: its figures are missing, and the row says so. */
export function crashed(figure: string, why: string): Row {
	return { figure, measured: `crashed: ${why}`, aim: "—", ratio: null, met: false };
}

export function verdict(met: boolean | null): string {
	return met === null ? "—" : met ? "met" : "NOT met";
}

/** The rows as a Markdown table, columns padded so it reads in a terminal as well. */
export function formatTable(rows: Row[]): string {
	const header = ["figure", "measured", "aim", "ratio", "met"];
	const cells = rows.map(r => [r.figure, r.measured, r.aim, r.ratio === null ? "—" : `${fixed(r.ratio, 2)}`, verdict(r.met)]);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
	const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(widths[i])).join(" | ")} |`;
	return [line(header), `|${widths.map(w => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

/** "12 of 17 aims met". */
export function summary(rows: Row[]): string {
	const judged = rows.filter(r => r.met !== null);
	return `${judged.filter(r => r.met).length} of ${judged.length} aims met`;
}

/**
 * Of several rounds of one benchmark, the round whose figure `by` is the median (the lower of the
 * two middle ones for an even count): its other figures (p99, …) stay those of the same round.
 */
export function medianRound<T>(rounds: readonly T[], by: (round: T) => number): T {
	if (rounds.length === 0) throw new Error("no rounds to take a median of");
	return [...rounds].sort((a, b) => by(a) - by(b))[Math.floor((rounds.length - 1) / 2)];
}
