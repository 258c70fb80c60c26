// Admin: find a product, add or edit one, set its stock, remove it, and see what runs low. Prices
// are typed and shown in the shop's own currency, the one the catalog stores.
import * as api from "../api.js";
import { h, field, formValues, busy, toast } from "../dom.js";
import { clearFormError, loadInto, pager, showFormError, table } from "../components.js";
import { SHOP_CURRENCY, categoryLabel, fromMinor, money, plural, toMinor } from "../format.js";
import { go, href } from "../router.js";

const PAGE_SIZE = 20;
/** The low-stock view: products with this many or fewer to sell, unless the admin says otherwise. */
const LOW_STOCK = 5;
/** The "New category…" choice of the category picker. */
const NEW_CATEGORY = "__new";
/** What the catalog accepts as a category: lower-case words joined by hyphens. */
const CATEGORY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export async function productsTab(panel, ctx) {
	const { q = "", edit, view } = ctx.query;
	const page = Math.max(1, Number.parseInt(ctx.query.page ?? "1", 10) || 1);
	const low = view === "low-stock";
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
			low
				? h("a", { class: "btn", href: href("/admin/products", { q }) }, "All products")
				: h("a", { class: "btn", href: href("/admin/products", { view: "low-stock" }) }, "Low stock"),
		),
	);
	if (edit) panel.append(await editor(edit, ctx, low ? { view, max: ctx.query.max, page } : { q, page }));
	panel.append(list);
	if (low) return lowStock(list, ctx, page);

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
	let product = { sku: "", name: "", description: "", category: "", price: 0, imageUrl: "", featured: 0 };
	if (!isNew) {
		try {
			product = await api.get(`/products/${api.seg(id)}`, { query: { currency: SHOP_CURRENCY }, signal: ctx.signal });
		} catch (err) {
			if (err?.name === "AbortError") throw err;
			return h("p", { class: "alert alert-error", role: "alert" }, err.message);
		}
	}

	const categories = await api.get("/categories", { signal: ctx.signal }).catch(err => {
		if (err?.name === "AbortError") throw err;
		return []; // the picker still offers the product's own category and a new one
	});
	const picker = categoryPicker(categories, product.category);
	const form = h("form", { class: "form editor", onSubmit: save });
	form.append(
		h("h2", { tabindex: "-1" }, isNew ? "New product" : `Edit ${product.name}`),
		h(
			"div",
			{ class: "row" },
			field("SKU", { name: "sku", required: true, maxlength: "64", value: product.sku }),
			picker.field,
			field(`Price (${SHOP_CURRENCY})`, { name: "price", type: "number", min: "0", step: "any", inputmode: "decimal", required: true, value: isNew ? "" : fromMinor(product.price) }),
		),
		field("Name", { name: "name", required: true, maxlength: "200", value: product.name }),
		field("Description", { name: "description", required: true, rows: "4", maxlength: "5000" }, { tag: "textarea" }),
		field("Image URL", { name: "imageUrl", maxlength: "300", value: product.imageUrl, placeholder: "/images/products/…" }, { optional: true, hint: "A picture on this shop, e.g. /images/products/prod-0001.svg. Empty: a picture drawn from its category and name." }),
		picker.newField,
		field(
			"Place under Featured",
			{ name: "featured", type: "number", min: "1", max: "999", step: "1", inputmode: "numeric", value: product.featured ? String(product.featured) : "" },
			{ optional: true, hint: "1 shows first when shoppers sort by Featured, then 2, and so on. Empty: not one of the shop's picks." },
		),
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
		const category = picker.value();
		if (!CATEGORY.test(category)) {
			return showFormError(form, { status: 422, fields: [{ field: picker.fieldName(), message: "Name the new category in lower-case words joined by hyphens, e.g. garden-tools." }] });
		}
		const featured = v.featured === "" ? 0 : Number(v.featured);
		if (!Number.isInteger(featured) || featured < 0 || featured > 999) {
			return showFormError(form, { status: 422, fields: [{ field: "featured", message: "Enter a place from 1 to 999, or leave it empty." }] });
		}
		const body = { sku: v.sku, name: v.name, description: v.description, category, price, featured };
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

/**
 * The category: a choice among the catalog's categories (no typo makes a new one by accident),
 * or "New category…", which shows a box to name it. The chosen one is read by `value()`.
 */
function categoryPicker(categories, current) {
	const names = categories.map(c => c.name);
	if (current && !names.includes(current)) names.push(current);
	const options = [
		h("option", { value: "" }, "Choose a category"),
		...names.map(name => h("option", { value: name }, categoryLabel(name))),
		h("option", { value: NEW_CATEGORY }, "New category…"),
	];
	const pickField = field("Category", { name: "category", required: true }, { tag: "select", options });
	const select = pickField.querySelector("select");
	select.value = current ?? "";
	const newField = field(
		"New category",
		{ name: "newCategory", maxlength: "40", autocomplete: "off" },
		{ hint: "Lower-case words joined by hyphens, e.g. garden-tools. Upper case and spaces are turned into that." },
	);
	const box = newField.querySelector("input");
	const showNew = () => {
		const on = select.value === NEW_CATEGORY;
		newField.hidden = !on;
		box.required = on;
		if (on) box.focus();
	};
	select.addEventListener("change", showNew);
	newField.hidden = true;
	const value = () =>
		select.value === NEW_CATEGORY
			? box.value
					.trim()
					.toLowerCase()
					.replace(/[\s_]+/g, "-")
			: select.value;
	// Where a complaint about the category belongs: the box being typed in, or the picker.
	const fieldName = () => (select.value === NEW_CATEGORY ? "newCategory" : "category");
	return { field: pickField, newField, value, fieldName };
}

/**
 * Products with `max` (default LOW_STOCK) or fewer to sell, the fewest first: what to reorder.
 * A page at a time, with the whole count (X-Total-Count).
 */
async function lowStock(list, ctx, page) {
	const max = /^\d{1,9}$/.test(ctx.query.max ?? "") ? Number(ctx.query.max) : LOW_STOCK;
	const threshold = h("input", { id: "low-max", name: "max", type: "number", min: "0", step: "1", inputmode: "numeric", value: String(max), required: true });
	list.before(
		h(
			"form",
			{ class: "toolbar", "aria-label": "Low stock threshold", onSubmit: event => (event.preventDefault(), go("/admin/products", { view: "low-stock", max: threshold.value })) },
			h("h2", { id: "low-title" }, "Low stock"),
			h("label", { for: "low-max" }, "Available at most"),
			threshold,
			h("button", { type: "submit", class: "btn" }, "Show"),
		),
	);
	await loadInto(list, async () => {
		const { rows, total } = await api.getPage("/inventory", { query: { maxAvailable: max, page, pageSize: PAGE_SIZE }, signal: ctx.signal });
		if (!rows.length) return h("p", null, page > 1 ? "No more products this low." : `No product has ${max} or fewer to sell.`);
		return h(
			"div",
			null,
			h("p", { class: "hint" }, `${plural(total, "product")} with ${max} or fewer to sell.`),
			table(
				`Products with ${max} or fewer available, fewest first`,
				["Name", "SKU", "Available", "Held for checkouts", "On hand", { hidden: "Actions" }],
				rows.map(r => [
					r.name ?? r.productId,
					r.sku ? h("code", null, r.sku) : "—",
					h("span", { class: r.available === 0 ? "badge stock-out" : "badge stock-low" }, r.available === 0 ? "Sold out" : String(r.available)),
					String(r.reserved),
					String(r.onHand),
					h("a", { href: href("/admin/products", { view: "low-stock", max, page, edit: r.productId }), "aria-label": `Restock ${r.name ?? r.productId}` }, "Restock"),
				]),
			),
			pager(page, Math.ceil(total / PAGE_SIZE), to => href("/admin/products", { view: "low-stock", max, page: to })),
		);
	});
}
