// Building pages without innerHTML: every piece of shop data becomes text, never markup, so a
// product named "<img onerror=…>" is just a strange name.

/**
 * h("a", { href: "#/cart", class: "btn" }, "Cart") → <a href="#/cart" class="btn">Cart</a>.
 * Attributes: `class`, `on<Event>` handlers, booleans (true sets, false/null leaves out), the rest
 * as attributes. Children: nodes, strings, numbers, arrays; null/false are skipped.
 */
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [key, value] of Object.entries(attrs ?? {})) {
		if (value === undefined || value === null || value === false) continue;
		if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
		else if (key === "value" && "value" in el) el.value = value;
		else el.setAttribute(key, value === true ? "" : String(value));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const child of children) {
		if (child === null || child === undefined || child === false) continue;
		if (Array.isArray(child)) append(el, child);
		else el.append(child instanceof Node ? child : String(child));
	}
}

/** Replace everything inside `el`. */
export function fill(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

/** A short message in the polite live region: screen readers hear it, nobody loses focus. */
export function toast(message, { tone = "info", action } = {}) {
	const region = document.getElementById("toasts");
	if (!region) return;
	const item = h("div", { class: `toast toast-${tone}` }, h("span", null, message), action ?? null);
	region.append(item);
	// Gone after a while, but never from under a pointer or keyboard focus (its link may be in use).
	const dismiss = () => (item.matches(":hover, :focus-within") ? setTimeout(dismiss, 2000) : item.remove());
	setTimeout(dismiss, 6000);
}

/** The heading a page starts with, focusable so the router can move focus to it. */
export function pageTitle(text) {
	document.title = `${text} · Moleculer Shop`;
	return h("h1", { tabindex: "-1", class: "page-title" }, text);
}

/** A loading line that says what is loading; `aria-busy` tells assistive tech to wait. */
export function loading(what = "Loading") {
	return h("p", { class: "loading", "aria-busy": "true" }, `${what}…`);
}

let uid = 0;
/** A unique id for label/aria wiring. */
export function nextId(prefix = "f") {
	return `${prefix}-${++uid}`;
}

/**
 * A labelled form field. `input` attrs go to the <input>/<select>/<textarea>; `hint` is read with
 * it; `optional` says so in the label (required fields are the rule in the shop's forms).
 */
export function field(label, input, { hint, tag = "input", options, optional = false } = {}) {
	const id = input.id ?? nextId(input.name?.replace(/\W/g, "-") || "f");
	const hintId = hint ? `${id}-hint` : null;
	const control = h(tag, { ...input, id, "aria-describedby": hintId }, options ?? null);
	return h(
		"div",
		{ class: "field" },
		h("label", { for: id }, label, optional ? h("span", { class: "optional" }, " (optional)") : null),
		control,
		hint ? h("p", { class: "hint", id: hintId }, hint) : null,
	);
}

/** Every named value of a form, trimmed. */
export function formValues(form) {
	const values = {};
	for (const [key, value] of new FormData(form)) values[key] = typeof value === "string" ? value.trim() : value;
	return values;
}

/** Disable a form's controls while its request runs, so one click is one request. */
export function busy(form, on) {
	form.setAttribute("aria-busy", on ? "true" : "false");
	for (const el of form.querySelectorAll("button, input, select, textarea")) {
		if (on) {
			el.dataset.wasDisabled = el.disabled ? "1" : "";
			el.disabled = true;
		} else {
			el.disabled = el.dataset.wasDisabled === "1";
		}
	}
}
