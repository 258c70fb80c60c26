// What the admin's long lists (orders, payments) share: the page and page size read from the
// hash (a hand-edited URL must not cause a 422), the "Per page" choice, the count line and the pager.
import { h, fill } from "../dom.js";
import { errorBox, pager } from "../components.js";
import { plural } from "../format.js";

export const PAGE_SIZES = [10, 25, 50, 100];
export const DEFAULT_PAGE_SIZE = 25;
/** The API's largest page (the contract's pageSize 1–500). */
const MAX_PAGE_SIZE = 500;

const int = (value, min, max) => (/^\d{1,7}$/.test(value ?? "") && Number(value) >= min && Number(value) <= max ? Number(value) : undefined);

/** { page, pageSize } from the hash's query; a page size left at its default stays out of links. */
export function pagingOf(query) {
	return { page: int(query.page, 1, 1_000_000) ?? 1, pageSize: int(query.pageSize, 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE };
}

/** The pageSize to put in a link: nothing for the default, so links stay short. */
export const pageSizeParam = pageSize => (pageSize === DEFAULT_PAGE_SIZE ? undefined : pageSize);

/** A labelled "Per page" select; a size from a hand-edited link is offered too. */
export function pageSizeField(id, current) {
	const sizes = PAGE_SIZES.includes(current) ? PAGE_SIZES : [...PAGE_SIZES, current].sort((a, b) => a - b);
	return h(
		"div",
		{ class: "field" },
		h("label", { for: id }, "Per page"),
		h("select", { id, name: "pageSize" }, sizes.map(size => h("option", { value: String(size), selected: size === current }, String(size)))),
	);
}

/** A labelled select of statuses, "All statuses" first. */
export function statusField(id, statuses, current, text) {
	return h(
		"div",
		{ class: "field" },
		h("label", { for: id }, "Status"),
		h(
			"select",
			{ id, name: "status" },
			h("option", { value: "" }, "All statuses"),
			statuses.map(status => h("option", { value: status, selected: status === current }, text(status))),
		),
	);
}

/** A search box of the filter form: what it finds is in its label; typed text kept as given. */
export function searchField({ id, name, label, value, max }) {
	return h(
		"div",
		{ class: "field admin-search" },
		h("label", { for: id }, label),
		h("input", { id, name, type: "search", value: value ?? "", maxlength: String(max), autocomplete: "off", spellcheck: "false" }),
	);
}

/** The form's submit button, and a way back to the whole list while a filter narrows it. */
export function filterActions(submitText, filtered, clearHref) {
	return [h("button", { type: "submit", class: "btn btn-primary" }, submitText), filtered ? h("a", { href: clearHref, class: "clear-filters" }, "Clear filters") : null];
}

/** "Showing 26–50 of 112 orders", or what there is when nothing is. */
export function countText(page, pageSize, shown, total, noun) {
	if (total === 0) return `No ${noun}s match.`;
	if (shown === 0) return `${plural(total, noun)} in all; page ${page} is past the last.`;
	const first = (page - 1) * pageSize + 1;
	return `Showing ${first}–${first + shown - 1} of ${plural(total, noun)}.`;
}

export function totalPages(total, pageSize) {
	return Math.max(1, Math.ceil(total / pageSize));
}

/** The pager, and a way back when a link points past the last page (the list got shorter). */
export function pagerFor(page, total, pageSize, hrefFor) {
	const pages = totalPages(total, pageSize);
	if (page > pages && total > 0) return h("p", null, h("a", { href: hrefFor(pages) }, `Go to the last page (${pages})`));
	return pager(page, pages, hrefFor);
}

/**
 * One page of an admin list: `load()` answers { rows, total } (or { message } to show instead),
 * drawn by `render` with the count line and the pager; a failure is an error box with "Try again".
 */
export async function showListPage({ results, count, signal, filters, noun, load, render, hrefFor, retry }) {
	try {
		const page = await load();
		if (signal.aborted) return;
		if (page.message) return void fill(results, h("p", { class: "empty" }, page.message));
		count.textContent = countText(filters.page, filters.pageSize, page.rows.length, page.total, noun);
		fill(results, page.rows.length ? render(page.rows) : null, pagerFor(filters.page, page.total, filters.pageSize, to => hrefFor(filters, to)));
	} catch (err) {
		if (err?.name === "AbortError" || signal.aborted) return;
		fill(results, errorBox(err, { retry }));
	}
}

/** A list tab as the router drives it: drawn now, then again for each new hash. */
export function listTab(panel, count, show, ctx) {
	return {
		ready: show(ctx),
		async update(next) {
			// The control that was used (a pager link, the button) is drawn anew: keep the keyboard
			// where the news is, on the count line, rather than lost at the top of the document.
			const focusWasHere = panel.contains(document.activeElement);
			await show(next);
			if (focusWasHere && !panel.contains(document.activeElement)) count.focus();
		},
	};
}

/**
 * The filter form, the count line and the results of a list tab, in `panel`; submitting the form
 * goes to the hash `hashOf(its values)` gives.
 */
export function listParts(panel, label, hashOf) {
	const form = h("form", { class: "toolbar admin-filters", role: "search", "aria-label": label });
	const count = h("p", { class: "result-count", role: "status", tabindex: "-1" });
	const results = h("div", { class: "admin-results" });
	panel.append(form, count, results);
	form.addEventListener("submit", event => {
		event.preventDefault();
		location.hash = hashOf(new FormData(form));
	});
	return { form, count, results };
}
