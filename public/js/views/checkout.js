// Checkout: address, card, a shipping quote and "Place order". The cart is shown in the shop's
// own currency because that is what the card is charged in.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, formValues, busy, pageTitle, loading } from "../dom.js";
import { clearFormError, errorBox, showFormError } from "../components.js";
import { addressFields, paymentFields } from "./checkout-form.js";
import { checkoutAttempts } from "../attempt.js";
import { SHOP_CURRENCY, money, plural } from "../format.js";
import { declinedField, expiryProblem, shopperMessage, stockMessage } from "../messages.js";
import { go, href } from "../router.js";

// Module-level: a retry after leaving the page and coming back is still the same attempt.
const attempts = checkoutAttempts();

export default async function checkout(el, ctx) {
	const title = pageTitle("Checkout");
	fill(el, title);

	if (!store.user()) {
		el.append(
			h("p", null, "Sign in or create an account to check out. Your cart comes with you."),
			h("p", { class: "actions" }, h("a", { class: "btn btn-primary", href: href("/login", { next: "/checkout" }) }, "Sign in"), h("a", { class: "btn", href: href("/register", { next: "/checkout" }) }, "Create an account")),
		);
		return;
	}

	el.append(loading("Loading your cart"));
	let cart;
	try {
		cart = await api.get("/cart", { query: { currency: SHOP_CURRENCY }, signal: ctx.signal });
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		fill(el, title, errorBox(err, { retry: () => checkout(el, ctx) }));
		return;
	}
	if (cart.items.length === 0) {
		fill(el, title, h("p", null, "Your cart is empty. ", h("a", { href: "#/" }, "Find something you like"), "."));
		return;
	}
	if (cart.items.some(line => line.problem)) {
		fill(el, title, h("p", { class: "alert alert-warn" }, "Some items in your cart cannot be bought as they are. ", h("a", { href: "#/cart" }, "Review your cart"), "."));
		return;
	}

	const summary = orderSummary(cart);
	const form = h("form", { class: "form checkout-form", onSubmit: event => (event.preventDefault(), placeOrder(form, cart)) });
	form.append(
		h("div", { class: "form-error" }),
		addressFields(store.user()?.name ?? "", country => summary.quote(country)),
		paymentFields(),
		h("button", { type: "submit", class: "btn btn-primary btn-block", id: "place-order" }, "Place order"),
	);
	const note = store.currency() && store.currency() !== SHOP_CURRENCY ? h("p", { class: "hint" }, `Your card is charged in ${SHOP_CURRENCY}, the shop's currency.`) : null;
	fill(el, title, h("div", { class: "checkout" }, form, h("aside", { class: "summary", "aria-label": "Order summary" }, summary.el, note)));
	summary.quote(form.elements.namedItem("shippingAddress.country").value);
}

/** The lines, subtotal, shipping quote and total as they will be charged. */
function orderSummary(cart) {
	const shipping = h("dd", { class: "price" }, "—");
	const total = h("dd", { class: "price total" }, money(cart.subtotal, cart.currency));
	const note = h("p", { class: "hint", "aria-live": "polite" });
	const el = h(
		"div",
		null,
		h("h2", null, "Your order"),
		h("ul", { class: "summary-lines" }, cart.items.map(line => h("li", null, h("span", null, `${line.quantity} × ${line.name}`), h("span", { class: "price" }, money(line.lineTotal, cart.currency))))),
		h("dl", null, h("dt", null, `Subtotal (${plural(cart.itemCount, "item")})`), h("dd", { class: "price" }, money(cart.subtotal, cart.currency)), h("dt", null, "Shipping"), shipping, h("dt", null, "Total"), total),
		note,
	);

	let asked = 0;
	async function quote(country) {
		if (!country) return;
		const mine = ++asked; // only the latest country's answer counts
		note.textContent = "Getting a shipping quote…";
		try {
			const q = await api.post("/shipping/quote", { country, items: cart.items.map(({ productId, quantity }) => ({ productId, quantity })) });
			if (mine !== asked) return;
			shipping.textContent = money(q.cost, q.currency);
			total.textContent = q.currency === cart.currency ? money(cart.subtotal + q.cost, cart.currency) : "—";
			note.textContent = `${q.carrier}, about ${plural(q.estimatedDays, "day")}.`;
		} catch {
			if (mine !== asked) return;
			shipping.textContent = "—";
			total.textContent = money(cart.subtotal, cart.currency);
			note.textContent = "Shipping is worked out when you place the order.";
		}
	}
	return { el, quote };
}

function orderBody(form) {
	const v = formValues(form);
	return {
		shippingAddress: {
			name: v["shippingAddress.name"],
			street: v["shippingAddress.street"],
			city: v["shippingAddress.city"],
			postalCode: v["shippingAddress.postalCode"],
			country: v["shippingAddress.country"],
		},
		payment: {
			cardNumber: v["payment.cardNumber"].replace(/[\s-]/g, ""),
			expMonth: Number(v["payment.expMonth"]),
			expYear: Number(v["payment.expYear"]),
			cvc: v["payment.cvc"],
		},
	};
}

async function placeOrder(form, cart) {
	clearFormError(form);
	const body = orderBody(form);
	// A card past its expiry is refused here, at its field, not sent off to come back "declined".
	const expired = expiryProblem(body.payment.expMonth, body.payment.expYear);
	if (expired) return showFormError(form, { status: 422, fields: [expired] });
	const key = attempts.keyFor(body);
	busy(form, true);
	try {
		const order = await api.post("/checkout", body, { headers: { "Idempotency-Key": key } });
		attempts.settle(false);
		store.cartChanged(null);
		go(`/orders/${order.id}`, { placed: 1 });
	} catch (err) {
		attempts.settle(err.outcomeUnknown);
		busy(form, false);
		explain(form, err, cart);
	}
}

/** Each failure says what happened to the shopper's money and stock, and what to do next. */
function explain(form, err, cart) {
	if (err.status === 401) return go("/login", { next: "/checkout" });
	const problem = { status: err.status, message: shopperMessage(err), fields: err.fields, retryAfter: null };
	if (err.status === 402) {
		problem.message = "Your card was not accepted, so the order was not placed.";
		problem.fields = [{ field: declinedField(err), message: shopperMessage(err) }];
	} else if (err.status === 409) {
		const names = new Map(cart.items.map(line => [line.productId, line.name]));
		const lines = Array.isArray(err.data?.lines) ? err.data.lines : Array.isArray(err.data) ? err.data : [];
		const short = lines.length ? ` ${stockMessage(lines, names)}` : "";
		problem.message = `Some items are no longer available in the quantity you asked for.${short} Nothing was charged; update your cart and try again.`;
	} else if (err.status === 503 || err.status === 429) {
		problem.message = `${shopperMessage(err)} Nothing was charged. Placing the order again is safe: you will not be charged twice.`;
		problem.retryAfter = err.retryAfter;
	} else if (err.status === 0) {
		problem.message = "We could not reach the shop, so we do not know whether your order went through. Placing it again is safe: you will not be charged twice.";
	}
	showFormError(form, problem);
	if (err.status === 409) form.querySelector(".form-error .alert")?.append(h("p", null, h("a", { href: "#/cart" }, "Review your cart")));
	if (problem.retryAfter) holdButton(form, problem.retryAfter);
}

/** After a 503/429, the button waits as long as the shop asked, counting down. */
function holdButton(form, seconds) {
	const button = form.querySelector("#place-order");
	let left = seconds;
	button.disabled = true;
	const tick = () => {
		if (!button.isConnected || left <= 0) {
			button.disabled = false;
			button.textContent = "Place order";
			return;
		}
		button.textContent = `Try again in ${left--} s`;
		setTimeout(tick, 1000);
	};
	tick();
}
