// The ops page's "last 10 minutes": the samples the ops service kept before the page opened
// (GET /api/ops/metrics?history=true), then one per refresh, drawn as two small line charts in
// inline SVG (requests and errors per second; p95 latency), for all services or one. Each chart
// says in words what it shows (its <desc>), for those who do not see it.
import { h, nextId } from "../dom.js";

export const WINDOW_MS = 10 * 60_000;
const SVG = "http://www.w3.org/2000/svg";
const W = 600;
const H = 150;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };
const ALL = "";

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG, tag);
	for (const [key, value] of Object.entries(attrs ?? {})) if (value !== null && value !== undefined) el.setAttribute(key, String(value));
	for (const child of children.flat()) if (child) el.append(child);
	return el;
}

/** The chart section; `add` takes samples `{ at, services: [{ name, requestsPerSecond, errorsPerSecond, p95Ms }] }`. */
export function historyCharts() {
	/** Oldest first: { t, rows: Map(name → row) }. */
	let samples = [];
	const choiceId = nextId("ops-chart-of");
	const choice = h("select", { id: choiceId, onChange: () => draw() }, h("option", { value: ALL }, "All services"));
	const charts = h("div", { class: "ops-charts" });
	const el = h(
		"section",
		{ class: "ops-history", "aria-labelledby": "ops-history-title" },
		h("h2", { id: "ops-history-title" }, "Last 10 minutes"),
		h("div", { class: "toolbar" }, h("label", { for: choiceId }, "Chart of"), choice),
		charts,
	);

	function add(list) {
		for (const sample of list) {
			const t = Date.parse(sample.at);
			if (Number.isNaN(t) || samples.some(s => s.t === t)) continue;
			samples.push({ t, rows: new Map(sample.services.map(r => [r.name, r])) });
		}
		samples.sort((a, b) => a.t - b.t);
		const newest = samples.at(-1)?.t ?? 0;
		samples = samples.filter(s => s.t >= newest - WINDOW_MS);
		keepChoices();
		draw();
	}

	function keepChoices() {
		const names = [...new Set(samples.flatMap(s => [...s.rows.keys()]))].sort();
		const have = [...choice.options].map(o => o.value).filter(v => v !== ALL);
		if (names.join() === have.join()) return;
		const chosen = choice.value;
		choice.replaceChildren(h("option", { value: ALL }, "All services"), ...names.map(name => h("option", { value: name }, name)));
		choice.value = names.includes(chosen) ? chosen : ALL;
	}

	function draw() {
		const name = choice.value;
		const pick = name === ALL ? everyService : s => s.rows.get(name) ?? null;
		const points = samples.map(s => ({ t: s.t, row: pick(s) })).filter(p => p.row);
		const who = name === ALL ? "all services" : name;
		const now = samples.at(-1)?.t ?? Date.now();
		charts.replaceChildren(
			lineChart({
				title: `Requests and errors per second, ${who}`,
				now,
				lines: [
					{ label: "requests per second", css: "ops-line-requests", points: points.map(p => [p.t, p.row.requestsPerSecond]) },
					{ label: "errors per second", css: "ops-line-errors", points: points.map(p => [p.t, p.row.errorsPerSecond]) },
				],
			}),
			lineChart({ title: `p95 latency in milliseconds, ${who}`, now, lines: [{ label: "p95 ms", css: "ops-line-p95", points: points.map(p => [p.t, p.row.p95Ms]) }] }),
		);
	}

	draw();
	return { el, add };
}

/** The cluster as one: rates add up, the p95 is the slowest service's. */
function everyService(sample) {
	const rows = [...sample.rows.values()];
	return {
		requestsPerSecond: rows.reduce((sum, r) => sum + r.requestsPerSecond, 0),
		errorsPerSecond: rows.reduce((sum, r) => sum + r.errorsPerSecond, 0),
		p95Ms: Math.max(0, ...rows.map(r => r.p95Ms)),
	};
}

function lineChart({ title, now, lines }) {
	const titleId = nextId("ops-chart-title");
	const descId = nextId("ops-chart-desc");
	const from = now - WINDOW_MS;
	const top = niceCeiling(Math.max(0, ...lines.flatMap(l => l.points.map(p => p[1]))));
	const x = t => PAD.left + ((t - from) / WINDOW_MS) * (W - PAD.left - PAD.right);
	const y = v => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
	const count = lines[0].points.length;

	const grid = [0, top / 2, top].map(v =>
		svg("g", { class: "ops-gridline" }, svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }), svg("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }, number.format(v))),
	);
	const ticks = [
		[from, "−10 min", "start"],
		[from + WINDOW_MS / 2, "−5 min", "middle"],
		[now, "now", "end"],
	].map(([t, text, anchor]) => svg("text", { class: "ops-tick", x: x(t), y: H - 6, "text-anchor": anchor }, text));
	const drawn = lines.map(line =>
		svg(
			"g",
			{ class: line.css },
			line.points.length > 1 ? svg("polyline", { points: line.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }) : null,
			// The newest value as a dot: with one sample there is no line yet, but there is a point.
			line.points.length ? svg("circle", { cx: x(line.points.at(-1)[0]), cy: y(line.points.at(-1)[1]), r: 3 }) : null,
		),
	);

	return h(
		"figure",
		{ class: "ops-chart", "data-samples": String(count) },
		svg(
			"svg",
			{ viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": titleId, "aria-describedby": descId },
			svg("title", { id: titleId }, title),
			svg("desc", { id: descId }, describe(lines, count)),
			grid,
			ticks,
			drawn,
		),
		h("figcaption", null, title, h("span", { class: "ops-legend" }, lines.map(l => h("span", { class: l.css }, l.label)))),
	);
}

/** The chart in words: how many samples, and for each line its latest value and its peak. */
function describe(lines, count) {
	if (count === 0) return "No samples yet.";
	const parts = lines.map(({ label, points }) => {
		const [, latest] = points.at(-1);
		const [peakAt, peak] = points.reduce((best, p) => (p[1] > best[1] ? p : best));
		return `${label}: ${number.format(latest)} now, highest ${number.format(peak)} at ${clock.format(peakAt)}`;
	});
	return `${count} ${count === 1 ? "sample" : "samples"} over the last 10 minutes. ${parts.join("; ")}.`;
}

/** A round top for the axis (1, 2, 5 × 10ⁿ) above the highest value; 1 for a flat zero line. */
function niceCeiling(max) {
	if (!(max > 0)) return 1;
	const power = 10 ** Math.floor(Math.log10(max));
	return [1, 2, 5, 10].map(m => m * power).find(v => v >= max);
}
