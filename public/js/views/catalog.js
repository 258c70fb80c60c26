// The catalog: search results, filters (category, price, sort) and paging. The filters live in
// the URL's hash, so a filtered page can be bookmarked, shared and gone back to.
import * as api from "../api.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { errorBox, pager, productCard } from "../components.js";
import { SHOP_CURRENCY, categoryLabel, fromMinor, plural, toMinor } from "../format.js";
import { go, href } from "../router.js";

const PAGE_SIZE = 24; // 2, 3 or 4 columns: full rows on every screen width.
const SORTS = [
	["", "Featured"],
	["-createdAt", "Newest"],
	["price", "Price: low to high"],
	["-price", "Price: high to low"],
	["name", "Name: A to Z"],
	["-name", "Name: Z to A"],
];

let categories = null; // fetched once per visit: they change rarely and cost a round trip

/** The hash's query, cleaned into what the API accepts (a hand-edited URL must not cause a 422). */
function filtersOf(query) {
	const int = (v, min) => (/^\d+$/.test(v ?? "") && Number(v) >= min ? Number(v) : undefined);
	return {
		q: query.q?.slice(0, 100) || undefined,
		category: query.category || undefined,
		minPrice: int(query.minPrice, 0),
		maxPrice: int(query.maxPrice, 0),
		sort: SORTS.some(([value]) => value && value === query.sort) ? query.sort : undefined,
		page: int(query.page, 1) ?? 1,
	};
}

export default async function catalog(el, ctx) {
	const title = pageTitle("All products");
	const form = h("form", { class: "filters", "aria-label": "Filter products", onSubmit: event => (event.preventDefault(), apply()) });
	const status = h("p", { class: "result-count", role: "status" });
	const results = h("div", { class: "results" });
	fill(el, title, h("div", { class: "catalog" }, form, h("section", { "aria-label": "Products" }, status, results)));

	const category = h("select", { id: "f-category", name: "category", onChange: () => apply() });
	const min = h("input", { id: "f-min", name: "minPrice", type: "number", min: "0", step: "any", inputmode: "decimal", onChange: () => apply() });
	const max = h("input", { id: "f-max", name: "maxPrice", type: "number", min: "0", step: "any", inputmode: "decimal", onChange: () => apply() });
	const sort = h("select", { id: "f-sort", name: "sort", onChange: () => apply() }, SORTS.map(([value, text]) => h("option", { value }, text)));
	const clear = h("a", { href: "#/", class: "clear-filters" }, "Clear all filters");
	form.append(
		h("div", { class: "field" }, h("label", { for: "f-category" }, "Category"), category),
		h(
			"fieldset",
			{ class: "price-range" },
			h("legend", null, `Price (${SHOP_CURRENCY})`),
			h("div", { class: "field" }, h("label", { for: "f-min" }, "From"), min),
			h("div", { class: "field" }, h("label", { for: "f-max" }, "To"), max),
		),
		h("div", { class: "field" }, h("label", { for: "f-sort" }, "Sort by"), sort),
		// Price inputs apply on change; this button is for those who expect one (and for Enter).
		h("button", { type: "submit", class: "btn btn-secondary" }, "Apply"),
		clear,
	);

	let filters = filtersOf(ctx.query);

	function apply() {
		const minPrice = toMinor(min.value);
		const maxPrice = toMinor(max.value);
		// A new filter starts at page 1: page 3 of the old results means nothing for the new ones.
		go("/", { q: filters.q, category: category.value, minPrice, maxPrice, sort: sort.value });
	}

	function showForm() {
		const name = filters.q ? `Results for “${filters.q}”` : filters.category ? categoryLabel(filters.category) : "All products";
		title.textContent = name;
		document.title = `${name} · Moleculer Shop`;
		fillCategories(category, filters.category);
		min.value = filters.minPrice === undefined ? "" : fromMinor(filters.minPrice);
		max.value = filters.maxPrice === undefined ? "" : fromMinor(filters.maxPrice);
		sort.value = filters.sort ?? "";
		const active = filters.q || filters.category || filters.minPrice !== undefined || filters.maxPrice !== undefined || filters.sort;
		clear.hidden = !active;
	}

	async function load(signal) {
		showForm();
		results.setAttribute("aria-busy", "true");
		if (!results.firstChild) results.append(loading("Loading products"));
		try {
			const page = await api.get("/products", { query: { ...filters, pageSize: PAGE_SIZE }, signal });
			showPage(page);
		} catch (err) {
			if (err?.name === "AbortError") return;
			status.textContent = "";
			fill(results, errorBox(err, { retry: () => load(signal) }));
		} finally {
			results.removeAttribute("aria-busy");
		}
	}

	function showPage(page) {
		if (page.total === 0) {
			status.textContent = "No products match.";
			fill(results, h("div", { class: "empty" }, h("p", null, "Nothing matches these filters. Try fewer words or a wider price range."), h("a", { class: "btn", href: "#/" }, "Show all products")));
			return;
		}
		const first = (page.page - 1) * page.pageSize + 1;
		const last = first + page.rows.length - 1;
		status.textContent = `${first}–${last} of ${plural(page.total, "product")}`;
		fill(
			results,
			h("ul", { class: "grid" }, page.rows.map(productCard)),
			pager(page.page, page.totalPages, to => href("/", { ...filters, page: to })),
		);
	}

	load(ctx.signal);
	if (!categories) loadCategories(category, () => filters.category);

	return {
		update(next) {
			const pageOnly = JSON.stringify({ ...filtersOf(next.query), page: 0 }) === JSON.stringify({ ...filters, page: 0 });
			filters = filtersOf(next.query);
			load(next.signal).then(() => {
				// Paging moved the reader to a new list: bring them to its top.
				if (pageOnly) status.scrollIntoView({ block: "start" });
			});
		},
	};
}

async function loadCategories(select, selected) {
	try {
		categories = await api.get("/categories");
	} catch {
		categories = null; // the filter still works for the current category; try again next visit
	}
	fillCategories(select, selected());
}

function fillCategories(select, selected) {
	const known = categories ?? [];
	const options = [h("option", { value: "" }, "All categories"), ...known.map(c => h("option", { value: c.name }, `${categoryLabel(c.name)} (${c.count})`))];
	if (selected && !known.some(c => c.name === selected)) options.push(h("option", { value: selected }, categoryLabel(selected)));
	select.replaceChildren(...options);
	select.value = selected ?? "";
}
