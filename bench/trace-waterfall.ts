// One trace's spans (Zipkin v2 JSON, as Moleculer's Zipkin exporter sends them) drawn as a
// waterfall on an HTML page: a row per span in call order, indented under its parent, with its
// service, its start (Moleculer stamps it to the millisecond) and duration as a bar on the trace's time line, and its tags. Our own
// rendering of real spans, for the README's picture: Jaeger and Zipkin draw the same spans their way.

export interface ZipkinSpan {
	traceId: string;
	id: string;
	parentId?: string | null;
	name: string;
	/** Microseconds since the epoch. */
	timestamp: number;
	/** Microseconds. */
	duration: number;
	localEndpoint: { serviceName: string | null };
	tags: Record<string, string | number | boolean>;
}

/** Tags every span has, or that say nothing to a reader of the picture. */
const PLAIN_TAGS = /^(service|span\.type|remoteCall|callerNodeID|nodeID|level|callingLevel|options\..*|requestID|fromCache|action\.(name|rawName)|event\.(name|group)|eventName|eventType|service\.(name|fullName|version))$/;

const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4f46e5", "#059669", "#7c3aed", "#b45309"];

const escape = (text: unknown) => String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
const ms = (micros: number) => `${(micros / 1000).toFixed(micros < 10_000 ? 2 : 1)} ms`;

/** Spans in call order: each after its parent, siblings by start time, with their depth. */
export function callOrder(spans: ZipkinSpan[]): { span: ZipkinSpan; depth: number }[] {
	const ids = new Set(spans.map(s => s.id));
	const children = new Map<string | null, ZipkinSpan[]>();
	for (const span of spans) {
		const parent = span.parentId && ids.has(span.parentId) ? span.parentId : null;
		children.set(parent, [...(children.get(parent) ?? []), span]);
	}
	const ordered: { span: ZipkinSpan; depth: number }[] = [];
	const walk = (parent: string | null, depth: number) => {
		for (const span of (children.get(parent) ?? []).sort((a, b) => a.timestamp - b.timestamp)) {
			ordered.push({ span, depth });
			walk(span.id, depth + 1);
		}
	};
	walk(null, 0);
	return ordered;
}

export function waterfallHtml(spans: ZipkinSpan[], opts: { title: string; note: string }): string {
	const rows = callOrder(spans);
	const start = Math.min(...spans.map(s => s.timestamp));
	const end = Math.max(...spans.map(s => s.timestamp + s.duration));
	const total = Math.max(1, end - start);
	const services = [...new Set(spans.map(s => s.localEndpoint.serviceName ?? "?"))];
	const colour = (service: string) => PALETTE[services.indexOf(service) % PALETTE.length];

	const body = rows
		.map(({ span, depth }) => {
			const service = span.localEndpoint.serviceName ?? "?";
			const left = ((span.timestamp - start) / total) * 100;
			const width = Math.max(0.3, (span.duration / total) * 100);
			const tags = Object.entries(span.tags)
				.filter(([key]) => !PLAIN_TAGS.test(key))
				.map(([key, value]) => `<span class="tag${/error/.test(key) ? " tag-error" : ""}">${escape(key)}=${escape(value)}</span>`)
				.join(" ");
			return `<tr>
	<td><span class="service" style="background:${colour(service)}">${escape(service)}</span></td>
	<td class="name" style="padding-left:${0.5 + depth * 1.1}rem">${escape(span.name)}</td>
	<td class="num">+${Math.round((span.timestamp - start) / 1000)} ms</td>
	<td class="num">${ms(span.duration)}</td>
	<td class="bar-cell"><div class="bar" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;background:${colour(service)}"></div></td>
	<td class="tags">${tags}</td>
</tr>`;
		})
		.join("\n");

	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(opts.title)}</title>
<style>
	body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fff; }
	h1 { font-size: 20px; margin: 0 0 4px; }
	p.note { color: #555d68; margin: 0 0 16px; max-width: 70rem; }
	table { border-collapse: collapse; width: 100%; }
	th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: middle; white-space: nowrap; }
	th { font-size: 12px; text-transform: uppercase; color: #555d68; }
	.num { text-align: right; font-variant-numeric: tabular-nums; }
	.service { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
	.name { font-family: ui-monospace, monospace; font-size: 12.5px; }
	.bar-cell { position: relative; width: 32%; min-width: 260px; }
	.bar { position: absolute; top: 6px; height: 12px; border-radius: 2px; min-width: 2px; }
	.tags { font-family: ui-monospace, monospace; font-size: 11.5px; color: #374151; white-space: normal; }
	.tag { background: #f3f4f6; border-radius: 3px; padding: 0 4px; margin-right: 2px; }
	.tag-error { background: #fdecea; color: #b42318; }
</style></head>
<body>
<h1>${escape(opts.title)}</h1>
<p class="note">${escape(opts.note)}</p>
<table>
<thead><tr><th>Service</th><th>Span</th><th class="num">Start</th><th class="num">Duration</th><th>Time line (${ms(total)})</th><th>Tags</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</body></html>`;
}
