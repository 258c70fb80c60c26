// The admin's cluster tab, the operator's page: each service's rate, errors, p95, nodes and breaker
// (ops-table.js) with the fault switches beside them (ops-faults.js), the last 10 minutes as small
// charts (ops-chart.js), and below, the nodes, the services on each and every endpoint's circuit
// breaker. Everything refreshes every few seconds while the tab is open, and stops when it is left.
import * as api from "../api.js";
import { h } from "../dom.js";
import { errorBox, table } from "../components.js";
import { historyCharts } from "./ops-chart.js";
import { faultPanel } from "./ops-faults.js";
import { serviceTable } from "./ops-table.js";

const REFRESH_MS = 5000;
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

export async function clusterTab(panel, ctx) {
	const { signal } = ctx;
	let services = [];
	let rules = [];
	const stamp = h("p", { class: "hint", "aria-live": "off" }, "Loading the services…");
	const problem = h("div");
	const faults = faultPanel(signal, list => ((rules = list), live.update(services, rules)));
	const live = serviceTable(name => faults.choose(name));
	const charts = historyCharts();
	const cluster = h("div");
	panel.append(
		h(
			"div",
			{ class: "ops-grid" },
			h("section", { class: "ops-live", "aria-labelledby": "ops-services-title" }, h("h2", { id: "ops-services-title" }, "Services"), stamp, problem, live.el),
			faults.el,
		),
		charts.el,
		cluster,
	);

	let first = true;
	const refresh = async () => {
		try {
			const [metrics, faultList, view] = await Promise.all([
				// The first answer brings what the ops service kept of the last 10 minutes.
				api.get("/ops/metrics", { query: first ? { history: true } : undefined, signal }),
				api.get("/ops/faults", { signal }),
				api.get("/ops/cluster", { signal }),
			]);
			first = false;
			({ services } = metrics);
			rules = faultList.rules;
			live.update(services, rules);
			faults.update(rules, services.map(s => s.name));
			charts.add([...(metrics.history ?? []), metrics]);
			// An operator who folded or unfolded the endpoints keeps it so across refreshes.
			const folded = cluster.querySelector("details[data-chosen]");
			cluster.replaceChildren(clusterView(view, folded ? folded.open : null));
			problem.replaceChildren();
			stamp.textContent = `Over the last minute, from every node; updated ${clock.format(new Date(metrics.at))}, every ${REFRESH_MS / 1000} s. Namespace ${view.namespace}, seen from ${view.nodeID}.`;
		} catch (err) {
			if (err?.name === "AbortError") return;
			// The last numbers stay on screen, said to be old; the next refresh tries again.
			problem.replaceChildren(errorBox(err));
		}
		if (!signal.aborted) timer = setTimeout(refresh, REFRESH_MS);
	};
	let timer;
	signal.addEventListener("abort", () => clearTimeout(timer));
	await refresh();
}

function clusterView(view, unfolded) {
	const nodes = h(
		"ul",
		{ class: "nodes" },
		view.nodes.map(n =>
			h(
				"li",
				{ class: `node${n.available ? "" : " node-down"}` },
				h("p", null, h("strong", null, n.id), n.local ? " (this gateway)" : "", " ", h("span", { class: `badge ${n.available ? "stock-in" : "stock-out"}` }, n.available ? "up" : "down")),
				h("p", { class: "hint" }, n.hostname ?? ""),
				h("p", null, n.services.length ? n.services.join(", ") : "no services"),
			),
		),
	);
	// Trouble first: an open circuit or a missing endpoint is what an admin opens this page for.
	const trouble = e => (e.circuit === "closed" && e.available ? 1 : 0);
	const sorted = [...view.endpoints].sort((a, b) => trouble(a) - trouble(b) || a.action.localeCompare(b.action));
	const open = sorted.filter(e => !trouble(e)).length;
	const endpoints = table(
		"Endpoints and their circuit breakers",
		["Action", "Node", "Circuit", "Available"],
		sorted.map(e => [e.action, e.nodeID, h("span", { class: `badge ${e.circuit === "closed" ? "stock-in" : "stock-out"}` }, e.circuit), e.available ? "yes" : "no"]),
	);
	const health = open ? `${open} of ${view.endpoints.length} endpoints have an open circuit or are unavailable.` : `All ${view.endpoints.length} endpoints are closed and available.`;
	// The long list folded away unless something is wrong in it (or the operator chose).
	return h(
		"div",
		null,
		h("h2", null, "Nodes"),
		nodes,
		h("h2", null, "Endpoints"),
		h("p", { class: open ? "alert alert-warn" : "hint" }, health),
		h(
			"details",
			{ class: "ops-endpoints", open: unfolded ?? open > 0, "data-chosen": unfolded === null ? null : "" },
			h("summary", { onClick: event => event.currentTarget.parentElement.setAttribute("data-chosen", "") }, `Every endpoint (${view.endpoints.length})`),
			endpoints,
		),
	);
}
