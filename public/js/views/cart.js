// The cart: lines with quantities, what stops a line from being bought, the subtotal, checkout.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle, loading, toast } from "../dom.js";
import { cartInCurrency, errorBox, imagesOf, productImage } from "../components.js";
import { SHOP_CURRENCY, money, plural } from "../format.js";
import { quantityRangeMessage, shopperMessage } from "../messages.js";

const MAX_PER_LINE = 99;

export default async function cartView(el, ctx) {
	const title = pageTitle("Your cart");
	const body = h("div", { class: "cart" });
	fill(el, title, body);

	// A guest who never added anything has no cart yet; asking would make an empty one.
	if (!store.token() && !store.cartId()) return showCart(body, { items: [], itemCount: 0, subtotal: 0, currency: store.currency() ?? SHOP_CURRENCY });

	body.append(loading("Loading your cart"));
	try {
		const cart = await api.get("/cart", { signal: ctx.signal });
		store.cartChanged(cart); // the header's count follows what the shop says now
		showCart(body, cart, undefined, await imagesOf(cart.items.map(line => line.productId), ctx.signal));
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		fill(body, errorBox(err, { retry: () => cartView(el, ctx) }));
	}
}

/** `imageOf(id)`: each line's own product picture (or null). */
function showCart(body, cart, focusId, imageOf = () => null) {
	if (cart.items.length === 0) {
		fill(body, h("div", { class: "empty" }, h("p", null, "Your cart is empty."), h("a", { class: "btn btn-primary", href: "#/" }, "Start shopping")));
		return;
	}

	const blocked = cart.items.some(line => line.problem);
	const change = async (request, focus) => {
		body.setAttribute("aria-busy", "true");
		try {
			const updated = await cartInCurrency(await request(), undefined);
			store.cartChanged(updated);
			showCart(body, updated, focus, imageOf);
		} catch (err) {
			toast(shopperMessage(err, { names: new Map(cart.items.map(line => [line.productId, line.name])) }), { tone: "error" });
			// Show what the shop now holds (stock may have moved under us).
			api.get("/cart").then(fresh => showCart(body, fresh, focus, imageOf), () => {});
		} finally {
			body.removeAttribute("aria-busy");
		}
	};

	fill(
		body,
		h("ul", { class: "cart-lines", "aria-label": "Items in your cart" }, cart.items.map(line => cartLine(line, cart.currency, change, imageOf))),
		h(
			"section",
			{ class: "summary", "aria-label": "Summary" },
			h("dl", null, h("dt", null, `Subtotal (${plural(cart.itemCount, "item")})`), h("dd", { class: "price" }, money(cart.subtotal, cart.currency))),
			h("p", { class: "hint" }, "Shipping is added at checkout."),
			blocked
				? h("p", { class: "alert alert-warn", role: "alert" }, "Some lines cannot be bought as they are. Fix or remove them to check out.")
				: h("a", { class: "btn btn-primary btn-block", href: "#/checkout" }, "Check out"),
			h(
				"button",
				{
					type: "button",
					class: "link danger",
					onClick: () => {
						if (confirm("Remove everything from your cart?")) change(() => api.del("/cart"));
					},
				},
				"Empty cart",
			),
		),
	);
	if (focusId) (document.getElementById(focusId) ?? body.querySelector("h1, .summary a, .summary button"))?.focus();
}

function cartLine(line, currency, change, imageOf) {
	const id = line.productId;
	const gone = line.problem === "product-gone" || line.name == null;
	const qtyId = `qty-${id}`;
	const name = gone ? "A product that is no longer sold" : line.name;
	// What can be asked for: the stock there is (inventory may not have answered: then the cap).
	const limit = Math.min(MAX_PER_LINE, line.available ?? MAX_PER_LINE);
	const max = Math.max(line.quantity, limit);

	const quantity = h("input", {
		id: qtyId,
		type: "number",
		min: "0",
		max: String(max),
		step: "1",
		value: String(line.quantity),
		inputmode: "numeric",
		onChange: event => {
			const value = Number(event.target.value);
			// More than there is is refused here, with how many there are; fewer is always fine.
			if (!Number.isInteger(value) || value < 0 || (value > limit && value > line.quantity) || value > MAX_PER_LINE) {
				event.target.value = String(line.quantity);
				return toast(`${name}: ${quantityRangeMessage(limit, line.available)}`, { tone: "error" });
			}
			// 0 removes the line (the contract's PUT does that); focus then moves to what follows.
			change(() => api.put(`/cart/items/${api.seg(id)}`, { quantity: value }), value === 0 ? undefined : qtyId);
		},
	});

	return h(
		"li",
		{ class: `cart-line${line.problem ? " has-problem" : ""}` },
		productImage({ name: line.name ?? "?", imageUrl: gone ? null : (line.imageUrl ?? imageOf(id)) }, 72),
		h(
			"div",
			{ class: "line-main" },
			gone ? h("span", { class: "line-name" }, name) : h("a", { class: "line-name", href: `#/product/${encodeURIComponent(id)}` }, name),
			line.unitPrice == null ? null : h("span", { class: "hint" }, `${money(line.unitPrice, currency)} each`),
			problemNote(line, change),
		),
		h(
			"div",
			{ class: "line-actions" },
			gone
				? h("span", { class: "hint" }, `Qty ${line.quantity}`)
				: h("div", { class: "field field-inline" }, h("label", { for: qtyId }, "Qty", h("span", { class: "visually-hidden" }, ` of ${name}`)), quantity),
			h("span", { class: "price line-total" }, line.lineTotal == null ? "—" : money(line.lineTotal, currency)),
			h(
				"button",
				{ type: "button", class: "link danger", "aria-label": `Remove ${name}`, onClick: () => change(() => api.del(`/cart/items/${api.seg(id)}`)) },
				"Remove",
			),
		),
	);
}

/** Why a line cannot be bought, and the one-click fix when there is one. */
function problemNote(line, change) {
	if (!line.problem) return null;
	if (line.problem === "product-gone" || line.name == null) {
		return h("p", { class: "problem", role: "note" }, "This product is no longer sold. Remove it to check out.");
	}
	if (!line.available) return h("p", { class: "problem", role: "note" }, "Sold out. Remove it to check out.");
	const qtyId = `qty-${line.productId}`;
	return h(
		"p",
		{ class: "problem", role: "note" },
		`Only ${line.available} left. `,
		h(
			"button",
			{ type: "button", class: "link", onClick: () => change(() => api.put(`/cart/items/${api.seg(line.productId)}`, { quantity: line.available }), qtyId) },
			`Change to ${line.available}`,
		),
	);
}
