// The ops page's live table: one row per service (GET /api/ops/metrics), with the fault rules in
// force on it and a button that takes the operator to the fault form for it. Rows are updated in
// place at each refresh, so a keyboard user's focus on a row's button survives the refresh.
import { h } from "../dom.js";

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const COLUMNS = ["Service", "Nodes", "Requests/s", "Errors/s", "p95 ms", "Breaker", "Faults", { hidden: "Actions" }];

/** What a rule does, in a few words: "unavailable", "+300 ms", "50 % errors". */
export function ruleEffect(rule) {
	const parts = [];
	if (rule.unavailable) parts.push("unavailable");
	if (rule.latencyMs > 0) parts.push(`+${rule.latencyMs} ms`);
	if (rule.errorRate > 0) parts.push(`${number.format(rule.errorRate * 100)} % errors`);
	return parts.join(", ") || "no effect";
}

/** The rules that act on `service`: on the service itself or on one of its actions. */
export function rulesOf(service, rules) {
	return rules.filter(r => r.target === service || r.target.startsWith(`${service}.`));
}

/** `onFault(service)`: the operator wants to add a fault to it. */
export function serviceTable(onFault) {
	const body = h("tbody");
	const el = h(
		"div",
		{ class: "table-wrap" },
		h(
			"table",
			{ class: "ops-services" },
			h("caption", { class: "visually-hidden" }, "Services over the last minute"),
			h("thead", null, h("tr", null, COLUMNS.map(text => h("th", { scope: "col" }, typeof text === "string" ? text : h("span", { class: "visually-hidden" }, text.hidden))))),
			body,
		),
	);
	const rows = new Map();

	function rowFor(name) {
		if (rows.has(name)) return rows.get(name);
		const cells = {
			nodes: h("td", { "data-label": "Nodes" }),
			rps: h("td", { "data-label": "Requests/s", class: "num" }),
			eps: h("td", { "data-label": "Errors/s", class: "num" }),
			p95: h("td", { "data-label": "p95 ms", class: "num" }),
			breaker: h("td", { "data-label": "Breaker" }),
			faults: h("td", { "data-label": "Faults" }),
		};
		const tr = h(
			"tr",
			{ "data-service": name },
			h("th", { scope: "row" }, name),
			Object.values(cells),
			h(
				"td",
				null,
				h("button", { type: "button", class: "btn btn-small", onClick: () => onFault(name) }, "Add fault", h("span", { class: "visually-hidden" }, ` to ${name}`)),
			),
		);
		const row = { tr, cells };
		rows.set(name, row);
		return row;
	}

	function update(services, rules) {
		const seen = new Set();
		for (const [i, s] of services.entries()) {
			seen.add(s.name);
			const { tr, cells } = rowFor(s.name);
			const faults = rulesOf(s.name, rules);
			set(cells.nodes, String(s.nodes));
			set(cells.rps, number.format(s.requestsPerSecond));
			set(cells.eps, number.format(s.errorsPerSecond));
			set(cells.p95, number.format(s.p95Ms));
			const tone = s.breaker === "closed" ? "stock-in" : s.breaker === "open" ? "stock-out" : "stock-low";
			if (cells.breaker.dataset.state !== s.breaker) {
				cells.breaker.dataset.state = s.breaker;
				cells.breaker.replaceChildren(h("span", { class: `badge ${tone}` }, s.breaker));
			}
			set(cells.faults, faults.length ? faults.map(r => (r.target === s.name ? ruleEffect(r) : `${r.target}: ${ruleEffect(r)}`)).join("; ") : "none");
			tr.classList.toggle("ops-trouble", s.errorsPerSecond > 0 || s.breaker !== "closed" || faults.length > 0);
			// In the answer's order (by name); moved only when out of place (a move drops focus).
			if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] ?? null);
		}
		for (const [name, row] of rows) {
			if (seen.has(name)) continue;
			row.tr.remove();
			rows.delete(name);
		}
	}

	return { el, update };
}

function set(cell, text) {
	if (cell.textContent !== text) cell.textContent = text;
}
