// Pieces several pages share: product cards, prices, stock badges, error messages, paging.
import * as api from "./api.js";
import { h, fill, loading, toast } from "./dom.js";
import { availability, categoryLabel, money } from "./format.js";
import { fieldMessage, shopperMessage } from "./messages.js";
import { cartChanged, currency } from "./store.js";

// Each product's own picture, by id, from every product this visit has seen: a cart line names
// only its product, and an admin-made product's picture is not at a path one could guess.
const imageUrls = new Map();

/** Remember the pictures of products just read (a catalog page, a product). */
export function rememberImages(products) {
	for (const p of products ?? []) if (p?.id && p.imageUrl) imageUrls.set(p.id, p.imageUrl);
	return products;
}

/** The picture of each of these products, asking the catalog for the ones not seen yet. */
export async function imagesOf(ids, signal) {
	const unknown = [...new Set(ids)].filter(id => !imageUrls.has(id));
	await Promise.all(
		unknown.map(id =>
			api.get(`/products/${api.seg(id)}`, { signal }).then(
				product => rememberImages([product]),
				() => {}, // gone from the catalog, or it did not answer: the lettered tile it is
			),
		),
	);
	return id => imageUrls.get(id) ?? null;
}

/** The product's picture; a lettered tile when there is none (or it fails to load). */
export function productImage(product, size = 240) {
	const tile = () => h("div", { class: "img-fallback", "aria-hidden": "true" }, (product.name ?? "?").trim().charAt(0).toUpperCase());
	if (!product.imageUrl) return tile();
	// Empty alt: the product's name is right next to the picture; reading it twice helps nobody.
	const img = h("img", { src: product.imageUrl, alt: "", width: size, height: size, loading: "lazy", decoding: "async" });
	img.addEventListener("error", () => img.replaceWith(tile()), { once: true });
	return img;
}

export function stockBadge(available) {
	const { text, tone } = availability(available);
	return h("span", { class: `badge stock-${tone}` }, text);
}

export function price(minor, code) {
	return h("span", { class: "price" }, money(minor, code));
}

export function productCard(product) {
	rememberImages([product]);
	const href = `#/product/${encodeURIComponent(product.id)}`;
	const { canBuy } = availability(product.available);
	return h(
		"li",
		{ class: "card" },
		h("a", { href, class: "card-link" }, productImage(product), h("span", { class: "card-name" }, product.name)),
		h("p", { class: "card-category" }, categoryLabel(product.category)),
		h("div", { class: "card-row" }, price(product.price, product.currency), stockBadge(product.available)),
		h(
			"button",
			{ type: "button", class: "btn btn-small", disabled: !canBuy, onClick: event => addToCart(product, 1, event.currentTarget) },
			// The name a screen reader hears starts with the words on the button (voice control
			// users say what they see), then says which product.
			canBuy ? "Add to cart" : "Sold out",
			h("span", { class: "visually-hidden" }, `: ${product.name}`),
		),
	);
}

/** Add to the cart from anywhere; the toast says what happened either way. */
export async function addToCart(product, quantity, button) {
	if (button) button.disabled = true;
	try {
		const cart = await api.post("/cart/items", { productId: product.id, quantity });
		cartChanged(cart);
		toast(`Added ${quantity} × ${product.name} to your cart.`, { tone: "success", action: h("a", { href: "#/cart" }, "View cart") });
		return cart;
	} catch (err) {
		toast(shopperMessage(err, { names: new Map([[product.id, product.name]]), adding: quantity }), { tone: "error" });
		return null;
	} finally {
		if (button) button.disabled = false;
	}
}

/** The cart, in the shopper's currency (writes answer in the shop's; one more read fixes that). */
export async function cartInCurrency(cart, signal) {
	const wanted = currency();
	if (!cart || !wanted || cart.currency === wanted) return cart;
	return api.get("/cart", { signal });
}

/**
 * The message of a failed request, as an alert. A 422's field messages are listed; a 503 or 429
 * says when to try again; `retry` adds a button that does.
 */
export function errorBox(err, { retry } = {}) {
	const box = h("div", { class: "alert alert-error", role: "alert" }, h("p", null, err instanceof api.ApiError ? shopperMessage(err) : (err?.message ?? String(err))));
	const fields = err?.fields ?? [];
	if (fields.length) box.append(h("ul", null, fields.map(f => h("li", null, fieldMessage(f, f.field)))));
	if (err?.retryAfter) box.append(h("p", { class: "hint" }, `Try again in ${err.retryAfter} seconds.`));
	if (err?.status === 401) {
		const next = location.hash.replace(/^#/, "").split("?")[0] || "/";
		box.append(h("a", { class: "btn btn-primary", href: `#/login?next=${encodeURIComponent(next)}` }, "Sign in"));
		return box;
	}
	// Asking again helps only when the answer may change (no network, busy, down); a refusal
	// (404, 422) would come back the same.
	const mayChange = err?.status === undefined || err.status === 0 || err.status === 429 || err.status >= 500;
	if (retry && mayChange) box.append(h("button", { type: "button", class: "btn", onClick: retry }, "Try again"));
	return box;
}

/**
 * Show a failed submit on its form: each 422 field message under its input (inputs are named
 * after the API's field paths, e.g. "shippingAddress.city"), the rest in the summary at the top.
 * Focus goes to the first thing to fix.
 */
export function showFormError(form, err) {
	clearFormError(form);
	let summary = form.querySelector(".form-error");
	if (!summary) {
		summary = h("div", { class: "form-error" });
		form.prepend(summary);
	}
	const unplaced = [];
	let first = null;
	for (const problem of err?.fields ?? []) {
		const input = form.elements.namedItem(problem.field);
		if (!(input instanceof HTMLElement)) {
			unplaced.push(fieldMessage(problem, problem.field));
			continue;
		}
		const label = input.labels?.[0]?.textContent?.replace(/\s*\(optional\)$/, "").trim() || problem.field;
		const id = `${input.id}-error`;
		input.setAttribute("aria-invalid", "true");
		input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
		input.closest(".field")?.append(h("p", { class: "field-error", id }, fieldMessage(problem, label, input)));
		first ??= input;
	}
	const placedAll = (err?.fields?.length ?? 0) > 0 && unplaced.length === 0;
	fill(
		summary,
		h(
			"div",
			{ class: "alert alert-error", role: "alert", tabindex: "-1" },
			// A validator's own message ("Parameters validation error!") tells a person nothing.
			h("p", null, placedAll && err?.status === 422 ? "Please correct the highlighted fields." : err instanceof api.ApiError ? shopperMessage(err) : err?.message),
			unplaced.length ? h("ul", null, unplaced.map(m => h("li", null, m))) : null,
			err?.retryAfter ? h("p", { class: "hint" }, `Try again in ${err.retryAfter} seconds.`) : null,
		),
	);
	(first ?? summary.firstElementChild)?.focus();
}

export function clearFormError(form) {
	form.querySelector(".form-error")?.replaceChildren();
	for (const el of form.querySelectorAll(".field-error")) el.remove();
	for (const input of form.querySelectorAll("[aria-invalid]")) {
		input.removeAttribute("aria-invalid");
		const kept = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(id => id && !id.endsWith("-error"));
		if (kept.length) input.setAttribute("aria-describedby", kept.join(" "));
		else input.removeAttribute("aria-describedby");
	}
}

/** Previous / "Page 2 of 5" / Next, as links so the back button and bookmarks work. */
export function pager(page, totalPages, hrefFor) {
	if (totalPages <= 1) return null;
	const link = (to, label, rel) =>
		to >= 1 && to <= totalPages ? h("a", { class: "btn", href: hrefFor(to), rel }, label) : h("span", { class: "btn", "aria-disabled": "true" }, label);
	return h(
		"nav",
		{ class: "pager", "aria-label": "Pages" },
		link(page - 1, "← Previous", "prev"),
		h("span", { "aria-current": "page" }, `Page ${page} of ${totalPages}`),
		link(page + 1, "Next →", "next"),
	);
}

/**
 * A table with a caption (for screen readers) from rows of cells. A heading may be
 * { hidden: "Actions" }: named for screen readers, blank on screen. On a phone each row becomes a
 * small card of "heading: value" lines (data-label), so nothing scrolls sideways; the explicit
 * roles keep it a table for assistive tech whatever the CSS does.
 */
export function table(caption, head, rows) {
	const names = head.map(text => (typeof text === "string" ? text : ""));
	return h(
		"div",
		{ class: "table-wrap" },
		h(
			"table",
			{ role: "table" },
			h("caption", { class: "visually-hidden" }, caption),
			h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, head.map(text => h("th", { scope: "col", role: "columnheader" }, typeof text === "string" ? text : h("span", { class: "visually-hidden" }, text.hidden))))),
			h("tbody", { role: "rowgroup" }, rows.map(cells => h("tr", { role: "row" }, cells.map((cell, i) => h("td", { role: "cell", "data-label": names[i] || null }, cell))))),
		),
	);
}

/** A loading line in `target`, then what `make` builds, or the error with a way to try again. */
export async function loadInto(target, make) {
	if (!target.firstChild) target.append(loading());
	try {
		fill(target, await make());
	} catch (err) {
		if (err?.name === "AbortError") return;
		fill(target, errorBox(err, { retry: () => loadInto(target, make) }));
	}
}
