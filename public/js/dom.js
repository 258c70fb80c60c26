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

/**
 * A short message in the polite live region: screen readers hear it, nobody loses focus. It never
 * sits over a form: it takes the edge of the screen (bottom, else top) where it covers no form
 * control, goes as soon as the shopper starts filling a form, and goes with the page it was about
 * (the router clears it) unless `keep` says it is news for the next page ("Signed in").
 */
export function toast(message, { tone = "info", action, keep = false } = {}) {
	const region = document.getElementById("toasts");
	if (!region) return;
	const item = h("div", { class: `toast toast-${tone}`, "data-keep": keep ? "1" : null }, h("span", null, message), action ?? null);
	region.append(item);
	placeToasts();
	// Gone after a while, but never from under a pointer or keyboard focus (its link may be in use).
	const dismiss = () => (!item.isConnected ? null : item.matches(":hover, :focus-within") ? setTimeout(dismiss, 2000) : (item.remove(), placeToasts()));
	setTimeout(dismiss, 6000);
}

/** Remove the toasts about the page being left (the router calls this on a new page). */
export function clearToasts() {
	for (const item of document.querySelectorAll("#toasts .toast:not([data-keep])")) item.remove();
	for (const item of document.querySelectorAll("#toasts .toast[data-keep]")) item.removeAttribute("data-keep");
}

const FORM_CONTROLS = "main form :is(input, select, textarea, button)";

function coversForm(region) {
	const box = region.getBoundingClientRect();
	if (!box.height) return false;
	for (const control of document.querySelectorAll(FORM_CONTROLS)) {
		const r = control.getBoundingClientRect();
		if (r.width && r.height && r.bottom > box.top && r.top < box.bottom && r.right > box.left && r.left < box.right) return true;
	}
	return false;
}

/** Bottom edge unless that covers a form control and the top edge does not. */
function placeToasts() {
	const region = document.getElementById("toasts");
	if (!region?.firstChild) return;
	region.classList.remove("toasts-top");
	if (!coversForm(region)) return;
	region.classList.add("toasts-top");
	if (coversForm(region)) region.classList.remove("toasts-top");
}

let placing = false;
for (const type of ["scroll", "resize"]) {
	globalThis.addEventListener?.(
		type,
		() => {
			if (placing || !document.getElementById("toasts")?.firstChild) return;
			placing = true;
			requestAnimationFrame(() => ((placing = false), placeToasts()));
		},
		{ passive: true },
	);
}
// Typing into a form means the shopper has moved on from the news: it must not cover their work.
globalThis.document?.addEventListener("focusin", event => {
	if (!event.target.matches?.("main form :is(input, select, textarea)")) return;
	for (const item of document.querySelectorAll("#toasts .toast:not(.toast-error)")) item.remove();
});

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
