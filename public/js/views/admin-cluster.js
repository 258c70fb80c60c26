// The admin's cluster tab: nodes, the services on each and every endpoint's circuit breaker,
// refreshed while the tab is open.
import * as api from "../api.js";
import { h } from "../dom.js";
import { loadInto, table } from "../components.js";

const CLUSTER_REFRESH_MS = 5000;

export async function clusterTab(panel, ctx) {
	const stamp = h("p", { class: "hint", "aria-live": "off" });
	const body = h("div");
	panel.append(stamp, body);
	// Watch it live while the tab is open: a killed node shows up within seconds.
	const refresh = async () => {
		await loadInto(body, async () => {
			const view = await api.get("/ops/cluster", { signal: ctx.signal });
			stamp.textContent = `Namespace ${view.namespace}, seen from ${view.nodeID}, updated ${new Date().toLocaleTimeString()}. Refreshes every ${CLUSTER_REFRESH_MS / 1000} s.`;
			return clusterView(view);
		});
		if (!ctx.signal.aborted) timer = setTimeout(refresh, CLUSTER_REFRESH_MS);
	};
	let timer;
	ctx.signal.addEventListener("abort", () => clearTimeout(timer));
	await refresh();
}

function clusterView(view) {
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
	return h("div", null, h("h2", null, "Nodes"), nodes, h("h2", null, "Endpoints"), h("p", { class: open ? "alert alert-warn" : "hint" }, health), endpoints);
}
