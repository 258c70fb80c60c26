// Suggestions under the header's search box while the shopper types: product names from
// GET /api/products/suggest, as an ARIA combobox (the input) with a listbox (the names). Arrow keys
// move through the names, Enter opens the one chosen (or searches, when none is), Escape closes.
// Requests wait for a pause in typing, and a newer one cancels the one still under way.
import * as api from "./api.js";
import { h } from "./dom.js";

const PAUSE_MS = 150;
const MIN_CHARS = 2;

/**
 * `input` is the search box, `list` the empty listbox element beside it, `status` a polite live
 * region; `open(id)` shows a product.
 */
export function suggestions(input, list, status, open) {
	let timer = 0;
	let pending = null; // the AbortController of the request under way
	let items = [];
	let active = -1;

	function close() {
		clearTimeout(timer);
		pending?.abort();
		pending = null;
		items = [];
		active = -1;
		list.replaceChildren();
		list.hidden = true;
		input.setAttribute("aria-expanded", "false");
		input.removeAttribute("aria-activedescendant");
	}

	function show(found) {
		items = found;
		active = -1;
		input.removeAttribute("aria-activedescendant");
		list.replaceChildren(
			...found.map((s, i) =>
				h(
					"div",
					{
						id: `search-suggestion-${i}`,
						role: "option",
						class: "suggestion",
						"aria-selected": "false",
						// mousedown, not click: the box keeps focus, so the list is still there for the click.
						onMousedown: event => event.preventDefault(),
						onClick: () => choose(i),
					},
					s.name,
				),
			),
		);
		list.hidden = found.length === 0;
		input.setAttribute("aria-expanded", String(found.length > 0));
		status.textContent = found.length ? `${found.length} suggestion${found.length === 1 ? "" : "s"}, use the arrow keys to choose` : "";
	}

	function mark(next) {
		active = next;
		for (const [i, option] of [...list.children].entries()) option.setAttribute("aria-selected", String(i === active));
		if (active < 0) return input.removeAttribute("aria-activedescendant");
		input.setAttribute("aria-activedescendant", `search-suggestion-${active}`);
		list.children[active].scrollIntoView({ block: "nearest" });
	}

	function choose(i) {
		const chosen = items[i];
		if (!chosen) return;
		close();
		input.value = chosen.name;
		open(chosen.id);
	}

	async function ask(q) {
		pending?.abort();
		const controller = new AbortController();
		pending = controller;
		try {
			const found = await api.get("/products/suggest", { query: { q }, signal: controller.signal });
			if (pending === controller && document.activeElement === input) show(found);
		} catch {
			// Suggestions are a help, not the search: a failure (or a newer request) leaves the box as it is.
		} finally {
			if (pending === controller) pending = null;
		}
	}

	input.addEventListener("input", () => {
		clearTimeout(timer);
		const q = input.value.trim().slice(0, 100);
		if (q.length < MIN_CHARS) return close();
		timer = setTimeout(() => ask(q), PAUSE_MS);
	});

	input.addEventListener("keydown", event => {
		const open = !list.hidden && items.length > 0;
		if (event.key === "ArrowDown" && open) {
			event.preventDefault();
			mark(active + 1 >= items.length ? 0 : active + 1);
		} else if (event.key === "ArrowUp" && open) {
			event.preventDefault();
			mark(active <= 0 ? items.length - 1 : active - 1);
		} else if (event.key === "Enter" && open && active >= 0) {
			event.preventDefault(); // a suggestion chosen: open it rather than search
			choose(active);
		} else if (event.key === "Escape" && open) {
			event.preventDefault(); // closes the list only; a second Escape clears the box as usual
			close();
		}
	});

	input.addEventListener("blur", close);
	input.form?.addEventListener("submit", close);
	addEventListener("hashchange", close);
	close();
}
