// One product: picture, details, a quantity and "Add to cart", then "You may also like".
import * as api from "../api.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { addToCart, errorBox, price, productCard, productImage, rememberImages, stockBadge } from "../components.js";
import { availability, categoryLabel } from "../format.js";
import { href } from "../router.js";

const MAX_PER_LINE = 99; // the contract's cap on one cart line

export default async function productView(el, ctx) {
	const title = pageTitle("Product");
	fill(el, title, loading("Loading the product"));

	let product;
	try {
		product = await api.get(`/products/${api.seg(ctx.params.id)}`, { signal: ctx.signal });
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		title.textContent = err.status === 404 ? "Product not found" : "This product could not be shown";
		fill(el, title, err.status === 404 ? h("p", null, "It may have been removed from the catalog. ", h("a", { href: "#/" }, "Browse the shop"), ".") : errorBox(err));
		return;
	}

	rememberImages([product]);
	title.textContent = product.name;
	document.title = `${product.name} · Moleculer Shop`;
	const also = h("section", { class: "also", "aria-labelledby": "also-title", hidden: true });
	// The title moves into the product's column; moving an element drops its focus, so give it back.
	const hadFocus = document.activeElement === title;
	fill(
		el,
		h(
			"nav",
			{ class: "crumbs", "aria-label": "Breadcrumb" },
			h("a", { href: "#/" }, "Shop"),
			" / ",
			h("a", { href: href("/", { category: product.category }) }, categoryLabel(product.category)),
		),
		h(
			"article",
			{ class: "product" },
			h("div", { class: "product-image" }, productImage(product, 480)),
			h(
				"div",
				{ class: "product-info" },
				title,
				h("p", { class: "product-price" }, price(product.price, product.currency), " ", stockBadge(product.available)),
				h("p", { class: "description" }, product.description),
				buyForm(product),
				h("dl", { class: "facts" }, h("dt", null, "Category"), h("dd", null, categoryLabel(product.category)), h("dt", null, "SKU"), h("dd", null, product.sku)),
			),
		),
		also,
	);
	if (hadFocus) title.focus({ preventScroll: true });

	showRecommendations(also, product.id, ctx.signal);
}

function buyForm(product) {
	const { canBuy } = availability(product.available);
	if (!canBuy) return h("p", { class: "notice" }, "This product is sold out for now.");
	const limit = Math.min(MAX_PER_LINE, product.available ?? MAX_PER_LINE);
	const quantity = h("input", { id: "qty", name: "quantity", type: "number", min: "1", max: String(limit), step: "1", value: "1", inputmode: "numeric", required: true });
	const button = h("button", { type: "submit", class: "btn btn-primary" }, "Add to cart");
	return h(
		"form",
		{
			class: "buy",
			async onSubmit(event) {
				event.preventDefault();
				if (!quantity.reportValidity()) return;
				await addToCart(product, Number(quantity.value), button);
			},
		},
		h("div", { class: "field field-inline" }, h("label", { for: "qty" }, "Quantity"), quantity),
		button,
	);
}

// Optional: when recommendations are down the API answers [], and an empty list hides the section.
async function showRecommendations(section, id, signal) {
	let products = [];
	try {
		products = await api.get(`/products/${api.seg(id)}/recommendations`, { signal });
	} catch {
		return;
	}
	if (!Array.isArray(products) || products.length === 0) return;
	fill(section, h("h2", { id: "also-title" }, "You may also like"), h("ul", { class: "grid grid-small" }, products.map(productCard)));
	section.hidden = false;
}
