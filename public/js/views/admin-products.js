// Admin: find a product, add or edit one, set its stock, remove it. Prices are typed and shown
// in the shop's own currency, the one the catalog stores.
import * as api from "../api.js";
import { h, field, formValues, busy, toast } from "../dom.js";
import { clearFormError, loadInto, pager, showFormError, table } from "../components.js";
import { SHOP_CURRENCY, fromMinor, money, toMinor } from "../format.js";
import { go, href } from "../router.js";

const PAGE_SIZE = 20;

export async function productsTab(panel, ctx) {
	const { q = "", edit } = ctx.query;
	const page = Math.max(1, Number.parseInt(ctx.query.page ?? "1", 10) || 1);
	const list = h("div");
	panel.append(
		h(
			"form",
			// The header's search is a search landmark too: each needs its own name.
			{ class: "toolbar", role: "search", "aria-label": "Find products to edit", onSubmit: event => (event.preventDefault(), go("/admin/products", { q: event.target.elements.q.value.trim() })) },
			h("label", { for: "admin-q" }, "Find"),
			h("input", { id: "admin-q", name: "q", type: "search", value: q, maxlength: "100" }),
			h("button", { type: "submit", class: "btn" }, "Search"),
			h("a", { class: "btn btn-primary", href: href("/admin/products", { q, edit: "new" }) }, "New product"),
		),
	);
	if (edit) panel.append(await editor(edit, ctx, { q, page }));
	panel.append(list);

	await loadInto(list, async () => {
		const result = await api.get("/products", { query: { q, page, pageSize: PAGE_SIZE, sort: "name", currency: SHOP_CURRENCY }, signal: ctx.signal });
		if (!result.rows.length) return h("p", null, "No products found.");
		return h(
			"div",
			null,
			table(
				"Products",
				["Name", "SKU", "Category", "Price", "Available", { hidden: "Actions" }],
				result.rows.map(p => [
					p.name,
					h("code", null, p.sku),
					p.category,
					h("span", { class: "price" }, money(p.price, p.currency)),
					p.available == null ? "?" : String(p.available),
					h("a", { href: href("/admin/products", { q, page, edit: p.id }), "aria-label": `Edit ${p.name}` }, "Edit"),
				]),
			),
			pager(result.page, result.totalPages, to => href("/admin/products", { q, page: to })),
		);
	});
}

/** The form to add a product (`id` "new") or edit one, and for an existing one its stock. */
async function editor(id, ctx, back) {
	const isNew = id === "new";
	let product = { sku: "", name: "", description: "", category: "", price: 0, imageUrl: "" };
	if (!isNew) {
		try {
			product = await api.get(`/products/${api.seg(id)}`, { query: { currency: SHOP_CURRENCY }, signal: ctx.signal });
		} catch (err) {
			if (err?.name === "AbortError") throw err;
			return h("p", { class: "alert alert-error", role: "alert" }, err.message);
		}
	}

	const form = h("form", { class: "form editor", onSubmit: save });
	form.append(
		h("h2", { tabindex: "-1" }, isNew ? "New product" : `Edit ${product.name}`),
		h(
			"div",
			{ class: "row" },
			field("SKU", { name: "sku", required: true, maxlength: "64", value: product.sku }),
			field("Category", { name: "category", required: true, maxlength: "64", value: product.category }),
			field(`Price (${SHOP_CURRENCY})`, { name: "price", type: "number", min: "0", step: "any", inputmode: "decimal", required: true, value: isNew ? "" : fromMinor(product.price) }),
		),
		field("Name", { name: "name", required: true, maxlength: "200", value: product.name }),
		field("Description", { name: "description", required: true, rows: "4", maxlength: "5000" }, { tag: "textarea" }),
		field("Image URL", { name: "imageUrl", maxlength: "300", value: product.imageUrl, placeholder: "/images/products/…" }, { optional: true, hint: "A picture on this shop, e.g. /images/products/prod-0001.svg. Empty: the shop's placeholder picture." }),
		h(
			"div",
			{ class: "actions" },
			h("button", { type: "submit", class: "btn btn-primary" }, isNew ? "Add product" : "Save changes"),
			h("a", { class: "btn", href: href("/admin/products", back) }, "Close"),
			isNew ? null : h("button", { type: "button", class: "btn btn-danger", onClick: remove }, "Delete product"),
		),
	);
	form.elements.namedItem("description").value = product.description;

	async function save(event) {
		event.preventDefault();
		clearFormError(form);
		const v = formValues(form);
		const price = toMinor(v.price);
		if (price === null) return showFormError(form, { status: 422, fields: [{ field: "price", message: "Enter a price, e.g. 19.99." }] });
		const body = { sku: v.sku, name: v.name, description: v.description, category: v.category, price };
		if (v.imageUrl) body.imageUrl = v.imageUrl;
		busy(form, true);
		try {
			const saved = isNew ? await api.post("/products", body) : await api.patch(`/products/${api.seg(product.id)}`, body);
			toast(`Saved ${saved.name}.`, { tone: "success", keep: true });
			go("/admin/products", { ...back, edit: saved.id });
		} catch (err) {
			busy(form, false);
			showFormError(form, err);
		}
	}

	async function remove() {
		if (!confirm(`Delete ${product.name}? Shoppers will no longer find it.`)) return;
		try {
			await api.del(`/products/${api.seg(product.id)}`);
			toast(`Deleted ${product.name}.`, { tone: "success", keep: true });
			go("/admin/products", back);
		} catch (err) {
			toast(err.message, { tone: "error" });
		}
	}

	return h("section", { class: "card-panel" }, form, isNew ? null : await stockForm(product.id, ctx));
}

async function stockForm(productId, ctx) {
	const status = h("p", { class: "hint", "aria-live": "polite" });
	const onHand = h("input", { id: "stock-onhand", name: "onHand", type: "number", min: "0", step: "1", inputmode: "numeric", required: true });
	const show = level => {
		onHand.value = String(level.onHand);
		status.textContent = `On hand ${level.onHand}, held for checkouts ${level.reserved}, available ${level.available}.`;
	};
	const form = h(
		"form",
		{ class: "form stock", "aria-labelledby": "stock-title" },
		h("h3", { id: "stock-title" }, "Stock"),
		status,
		h("div", { class: "field field-inline" }, h("label", { for: "stock-onhand" }, "On hand"), onHand, h("button", { type: "submit", class: "btn" }, "Set stock")),
	);
	form.addEventListener("submit", async event => {
		event.preventDefault();
		clearFormError(form);
		busy(form, true);
		try {
			const level = await api.put(`/inventory/${api.seg(productId)}`, { onHand: Number(onHand.value) });
			busy(form, false);
			show(level);
			toast("Stock saved.", { tone: "success" });
		} catch (err) {
			busy(form, false); // before showing the error: a disabled input cannot take focus
			showFormError(form, err);
		}
	});
	try {
		show(await api.get(`/inventory/${api.seg(productId)}`, { signal: ctx.signal }));
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		status.textContent = err.status === 404 ? "No stock recorded yet: set it here." : `Stock could not be read: ${err.message}`;
	}
	return form;
}
