// The catalog: search results, filters (category, price, sort) and paging. The filters live in
// the URL's hash, so a filtered page can be bookmarked, shared and gone back to.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { clearFormError, errorBox, pager, productCard, showFormError } from "../components.js";
import { SHOP_CURRENCY, categoryLabel, fromMinor, money, plural, toMinor } from "../format.js";
import { go, href } from "../router.js";
import { convertBound, rateOf, toBase } from "./price-filter.js";

const PAGE_SIZE = 24; // 2, 3 or 4 columns: full rows on every screen width.
/**
 * "Featured" (the default, so not written in the URL) is the shop's picks in the order the admin
 * gave them, then the rest by name: the first screen is the shop's shelf, not the alphabet's.
 */
const DEFAULT_SORT = "featured";
const SORTS = [
	[DEFAULT_SORT, "Featured"],
	["-createdAt", "Newest"],
	["price", "Price: low to high"],
	["-price", "Price: high to low"],
	["name", "Name: A to Z"],
	["-name", "Name: Z to A"],
];

let categories = null; // fetched once per visit: they change rarely and cost a round trip

/**
 * The hash's query, cleaned into what the API accepts (a hand-edited URL must not cause a 422).
 * minPrice and maxPrice are minor units of `priceIn` (the currency they were typed in, the
 * shop's own when absent); bounds the wrong way round are swapped.
 */
function filtersOf(query) {
	const int = (v, min) => (/^\d{1,12}$/.test(v ?? "") && Number(v) >= min ? Number(v) : undefined);
	let minPrice = int(query.minPrice, 0);
	let maxPrice = int(query.maxPrice, 0);
	if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) [minPrice, maxPrice] = [maxPrice, minPrice];
	return {
		q: query.q?.slice(0, 100) || undefined,
		category: query.category || undefined,
		minPrice,
		maxPrice,
		priceIn: /^[A-Z]{3}$/.test(query.priceIn ?? "") && query.priceIn !== SHOP_CURRENCY ? query.priceIn : undefined,
		sort: SORTS.some(([value]) => value !== DEFAULT_SORT && value === query.sort) ? query.sort : undefined,
		page: int(query.page, 1) ?? 1,
	};
}

/** The currency prices are shown in, which the price boxes speak too. */
const shownCurrency = () => store.currency() ?? SHOP_CURRENCY;

export default async function catalog(el, ctx) {
	const title = pageTitle("All products");
	const form = h("form", { id: "filters", class: "filters", "aria-label": "Filter products", onSubmit: event => (event.preventDefault(), apply()) });
	const status = h("p", { class: "result-count", role: "status" });
	const results = h("div", { class: "results" });
	// On a phone the filters fold away behind this button, so the first screen shows products.
	const toggle = h("button", { type: "button", class: "btn btn-small filters-toggle", "aria-expanded": "false", "aria-controls": "filters" }, "Filters");
	const layout = h("div", { class: "catalog" }, form, h("section", { "aria-label": "Products" }, h("div", { class: "results-head" }, status, toggle), results));
	toggle.addEventListener("click", () => {
		const open = layout.classList.toggle("filters-open");
		toggle.setAttribute("aria-expanded", String(open));
		if (open) form.querySelector("select, input")?.focus();
	});
	fill(el, title, layout);

	const category = h("select", { id: "f-category", name: "category", onChange: () => apply() });
	// Text, not type="number": a number box rewrites "100.00" as "100" and speaks the browser's
	// locale, not the shop's; money is typed as the shopper writes it and read by toMinor.
	const priceBox = (id, name) => h("input", { id, name, type: "text", inputmode: "decimal", autocomplete: "off", maxlength: "12", onChange: () => apply() });
	const min = priceBox("f-min", "minPrice");
	const max = priceBox("f-max", "maxPrice");
	let shownBounds = {}; // the bounds the boxes were last drawn for
	const legend = h("legend");
	const sort = h("select", { id: "f-sort", name: "sort", onChange: () => apply() }, SORTS.map(([value, text]) => h("option", { value }, text)));
	const clear = h("a", { href: "#/", class: "clear-filters" }, "Clear all filters");
	form.append(
		h("div", { class: "field" }, h("label", { for: "f-category" }, "Category"), category),
		h(
			"fieldset",
			{ class: "price-range" },
			legend,
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
		clearFormError(form);
		const currency = shownCurrency();
		const problems = [];
		const read = (box, label) => {
			const value = toMinor(box.value, currency);
			if (box.value.trim() !== "" && value === null) problems.push({ field: box.name, message: `Enter a price in “${label}”, like ${fromMinor(2500, currency)}, or leave it empty.` });
			return value;
		};
		const minPrice = read(min, "From");
		const maxPrice = read(max, "To");
		if (!problems.length && minPrice !== null && maxPrice !== null && maxPrice < minPrice) {
			problems.push({ field: "maxPrice", message: `“To” must be at least ${money(minPrice, currency)}, the “From” price, or empty.` });
		}
		if (problems.length) return showFormError(form, { status: 422, fields: problems });
		// A new filter starts at page 1: page 3 of the old results means nothing for the new ones.
		const priceIn = minPrice !== null || maxPrice !== null ? currency : undefined;
		go("/", { q: filters.q, category: category.value, minPrice, maxPrice, priceIn: priceIn === SHOP_CURRENCY ? undefined : priceIn, sort: sort.value === DEFAULT_SORT ? undefined : sort.value });
	}

	/** The hash for these filters (on another page). */
	const hrefFor = (f, page) => href("/", { ...f, page });

	function showForm() {
		const name = filters.q ? `Results for “${filters.q}”` : filters.category ? categoryLabel(filters.category) : "All products";
		title.textContent = name;
		document.title = `${name} · Moleculer Shop`;
		fillCategories(category, filters.category);
		clearFormError(form); // a complaint about what was typed is answered by the new filters
		const currency = filters.priceIn ?? SHOP_CURRENCY;
		legend.textContent = `Price (${shownCurrency()})`;
		// A box the shopper is in keeps what they typed when it is the same amount ("100" stays
		// "100" under their cursor), or when its own bound has not changed: leaving "From" applies
		// it, and that page may come while they are typing "To". A bound changed elsewhere (a link,
		// a currency switch) is written out.
		for (const [box, key] of [[min, "minPrice"], [max, "maxPrice"]]) {
			const value = filters[key];
			const typing = box === document.activeElement && (toMinor(box.value, currency) === (value ?? null) || value === shownBounds[key]);
			if (!typing) box.value = value === undefined ? "" : fromMinor(value, currency);
		}
		shownBounds = { minPrice: filters.minPrice, maxPrice: filters.maxPrice };
		sort.value = filters.sort ?? DEFAULT_SORT;
		const chosen = [filters.category, filters.minPrice ?? filters.maxPrice, filters.sort].filter(v => v !== undefined).length;
		toggle.textContent = chosen ? `Filters (${chosen})` : "Filters";
		clear.hidden = !(filters.q || chosen);
	}

	async function load(signal) {
		showForm();
		results.setAttribute("aria-busy", "true");
		if (!results.firstChild) results.append(loading("Loading products"));
		try {
			const bounds = await priceBounds(signal);
			if (!bounds) return; // the hash was rewritten in the shown currency: that draws the page
			const { priceIn: _typedIn, minPrice: _min, maxPrice: _max, ...rest } = filters;
			const page = await api.get("/products", { query: { ...rest, sort: rest.sort ?? DEFAULT_SORT, ...bounds, pageSize: PAGE_SIZE }, signal });
			showPage(page);
		} catch (err) {
			if (err?.name === "AbortError") return;
			status.textContent = "";
			fill(results, errorBox(err, { retry: () => load(signal) }));
		} finally {
			results.removeAttribute("aria-busy");
		}
	}

	/**
	 * The price bounds as the API takes them (the shop's currency), or null after moving bounds
	 * typed in another currency (a shared link, a currency just switched) into the shown one.
	 */
	async function priceBounds(signal) {
		if (filters.minPrice === undefined && filters.maxPrice === undefined) return {};
		const typedIn = filters.priceIn ?? SHOP_CURRENCY;
		const [typedRate, shownRate] = await Promise.all([rateOf(typedIn, signal), rateOf(shownCurrency(), signal)]);
		if (typedIn !== shownCurrency() && typedRate && shownRate) {
			const moved = {
				...filters,
				minPrice: convertBound(filters.minPrice, typedRate, shownRate),
				maxPrice: convertBound(filters.maxPrice, typedRate, shownRate),
				priceIn: shownCurrency() === SHOP_CURRENCY ? undefined : shownCurrency(),
			};
			location.replace(hrefFor(moved, filters.page === 1 ? undefined : filters.page));
			return null;
		}
		// No rate (currency is down, prices come unconverted): the bounds are the shop's own.
		return toBase({ min: filters.minPrice, max: filters.maxPrice }, typedRate ?? 1);
	}

	function showPage(page) {
		// Past the end (a stale link, a list that shrank): the last page is what was meant.
		if (page.rows.length === 0 && page.total > 0 && page.page > page.totalPages) {
			location.replace(hrefFor(filters, page.totalPages));
			return;
		}
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
			pager(page.page, page.totalPages, to => hrefFor(filters, to)),
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
