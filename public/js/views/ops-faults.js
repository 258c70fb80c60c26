// The ops page's fault switches: a form that adds a rule (a service or one action; added latency,
// a share of failed calls, or unavailable; optionally lapsing after some minutes), the rules in
// force with a button to remove each, and "Clear all faults". The API takes the whole list at
// once (PUT /api/ops/faults), so a change is made on the list as the cluster has it now.
import * as api from "../api.js";
import { h, field, busy, toast } from "../dom.js";
import { clearFormError, errorBox, showFormError } from "../components.js";
import { dateTime } from "../format.js";
import { ruleEffect } from "./ops-table.js";

/** `changed(rules)` is told the rules in force after each change made here. */
export function faultPanel(signal, changed) {
	const services = h("datalist", { id: "ops-fault-services" });
	const form = h(
		"form",
		{ class: "ops-fault-form", "aria-labelledby": "ops-fault-form-title", onSubmit: event => (event.preventDefault(), add()) },
		h("h3", { id: "ops-fault-form-title" }, "Add a fault"),
		field("Service or action", { name: "target", required: true, maxlength: "100", list: "ops-fault-services", autocomplete: "off", pattern: "[A-Za-z][\\w\\-]*(\\.[\\w\\-]+)?" }, { hint: "A service (payments) or one of its actions (payments.charge)." }),
		field("Added latency (ms)", { name: "latencyMs", type: "number", min: "0", max: "30000", step: "1", value: "0", inputmode: "numeric" }),
		field("Failed calls (%)", { name: "errorPercent", type: "number", min: "0", max: "100", step: "1", value: "0", inputmode: "numeric" }),
		h("div", { class: "field field-inline" }, h("input", { type: "checkbox", id: "ops-fault-unavailable", name: "unavailable" }), h("label", { for: "ops-fault-unavailable" }, "Unavailable (every call fails with 503)")),
		field("Lapses after (minutes)", { name: "minutes", type: "number", min: "1", max: "1440", step: "1", inputmode: "numeric" }, { optional: true, hint: "Empty: until removed." }),
		h("button", { type: "submit", class: "btn btn-primary" }, "Add fault"),
		services,
	);
	const inForce = h("div", { class: "ops-rules" });
	const el = h("section", { class: "ops-faults card-panel", "aria-labelledby": "ops-faults-title" }, h("h2", { id: "ops-faults-title" }, "Faults"), inForce, form);
	let rules = [];

	async function add() {
		clearFormError(form);
		if (!form.reportValidity()) return;
		const v = form.elements;
		const rule = {
			target: v.target.value.trim(),
			latencyMs: Number(v.latencyMs.value || 0),
			errorRate: Number(v.errorPercent.value || 0) / 100,
			unavailable: v.unavailable.checked,
			until: v.minutes.value ? new Date(Date.now() + Number(v.minutes.value) * 60_000).toISOString() : null,
		};
		if (!rule.unavailable && rule.latencyMs === 0 && rule.errorRate === 0) {
			showFormError(form, new Error("Choose what the fault does: added latency, failed calls, or unavailable."));
			return;
		}
		busy(form, true);
		try {
			// The list as the cluster has it now (another operator may have changed it), plus this rule.
			const current = await api.get("/ops/faults", { signal });
			const answer = await api.put("/ops/faults", { rules: [...current.rules, rule] }, { signal });
			form.reset();
			form.elements.latencyMs.value = form.elements.errorPercent.value = "0";
			toast(`Fault on ${rule.target} in force: ${ruleEffect(rule)}.`, { tone: "success" });
			show(answer.rules);
		} catch (err) {
			if (err?.name !== "AbortError") showFormError(form, err);
		} finally {
			busy(form, false);
		}
	}

	async function change(what, request) {
		try {
			const answer = await request();
			toast(what, { tone: "success" });
			show(answer.rules);
		} catch (err) {
			if (err?.name !== "AbortError") inForce.prepend(errorBox(err));
		}
	}

	const remove = rule =>
		change(`Fault on ${rule.target} removed.`, async () => {
			const current = await api.get("/ops/faults", { signal });
			return api.put("/ops/faults", { rules: current.rules.filter(r => r.id !== rule.id) }, { signal });
		});
	const clearAll = () => change("Every fault cleared.", () => api.del("/ops/faults", { signal }));

	function show(list) {
		rules = list;
		changed(list);
		render(list);
	}

	function render(list) {
		if (!list.length) {
			inForce.replaceChildren(h("p", { class: "hint" }, "No fault in force: every service behaves as it should."));
			return;
		}
		// A list, not a table: the panel beside the services table is narrow.
		inForce.replaceChildren(
			h("p", { class: "alert alert-warn" }, `${list.length} ${list.length === 1 ? "fault is" : "faults are"} in force.`),
			h(
				"ul",
				{ class: "ops-rule-list", "aria-label": "Faults in force" },
				list.map(r =>
					h(
						"li",
						{ "data-target": r.target },
						h("strong", null, r.target),
						h("span", null, ruleEffect(r)),
						h("span", { class: "hint" }, r.until ? `until ${dateTime(r.until)}` : "until removed"),
						h("button", { type: "button", class: "btn btn-small btn-danger", onClick: () => remove(r) }, "Remove", h("span", { class: "visually-hidden" }, ` the fault on ${r.target}`)),
					),
				),
			),
			h("button", { type: "button", class: "btn btn-danger", onClick: clearAll }, "Clear all faults"),
		);
	}

	/** The refresh loop's news: the rules in force now, and the services a rule may name. */
	function update(list, names) {
		const known = [...services.options].map(o => o.value).join();
		if (known !== names.join()) services.replaceChildren(...names.map(name => h("option", { value: name })));
		if (JSON.stringify(list) !== JSON.stringify(rules)) render((rules = list));
	}

	/** The operator chose a service in the table: the form, ready for it. */
	function choose(name) {
		form.elements.target.value = name;
		form.elements.target.focus();
		form.scrollIntoView({ block: "nearest" });
	}

	render(rules);
	return { el, update, choose };
}
