// Hash routing for the one page: "#/product/42?currency=EUR" → the product view with id "42".
// The hash keeps every page bookmarkable and the back button working, with no server routes.
import { h, fill, clearToasts } from "./dom.js";
import { errorBox } from "./components.js";

const ROUTES = [
	{ path: /^\/$/, view: () => import("./views/catalog.js") },
	{ path: /^\/product\/([^/]+)$/, keys: ["id"], view: () => import("./views/product.js") },
	{ path: /^\/cart$/, view: () => import("./views/cart.js") },
	{ path: /^\/(login|register)$/, keys: ["mode"], view: () => import("./views/account.js") },
	{ path: /^\/checkout$/, view: () => import("./views/checkout.js") },
	{ path: /^\/orders$/, view: () => import("./views/orders.js") },
	{ path: /^\/orders\/([^/]+)$/, keys: ["id"], view: () => import("./views/order.js") },
	{ path: /^\/notifications$/, view: () => import("./views/notifications.js") },
	{ path: /^\/admin(?:\/(products|orders|payments|cluster))?$/, keys: ["tab"], view: () => import("./views/admin.js") },
	{ path: /^\/admin\/orders\/([^/]+)$/, keys: ["id"], view: () => import("./views/admin-order.js") },
];

let outlet = null;
let current = null; // { route, key, instance, controller }
let renders = 0;

/** "#/?q=lamp&page=2" → { path: "/", query: { q: "lamp", page: "2" } } */
export function parse(hash = location.hash) {
	const raw = hash.replace(/^#/, "") || "/";
	const [path, search = ""] = raw.split("?");
	return { path: path || "/", query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Build a hash link; empty query values are left out so links stay short. */
export function href(path, query = {}) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
	return `#${path}${params.size ? `?${params}` : ""}`;
}

export function go(path, query) {
	const target = href(path, query);
	if (location.hash === target) refresh();
	else location.hash = target;
}

/** Draw the current page again from scratch (after sign-in, a currency change, "Try again"). */
export function refresh() {
	current = null;
	render();
}

export function start(main) {
	outlet = main;
	addEventListener("hashchange", render);
	render();
}

async function render() {
	const { path, query } = parse();
	const route = ROUTES.find(r => r.path.test(path));
	current?.controller.abort();
	const controller = new AbortController();
	if (!route) return notFound(controller);

	const match = route.path.exec(path);
	const params = Object.fromEntries((route.keys ?? []).map((key, i) => [key, match[i + 1] === undefined ? undefined : decodeURIComponent(match[i + 1])]));
	const ctx = { path, params, query, signal: controller.signal };
	const key = `${route.path}|${JSON.stringify(params)}`;

	// Same page, new query (a filter, the next page): let the view update in place so focus
	// stays in the control the shopper is using.
	if (current && current.key === key && current.instance?.update) {
		current.controller = controller;
		current.instance.update(ctx);
		return;
	}

	// Each page draws into a fresh element: a slow answer for a page already left lands in a
	// detached element and is never seen.
	const first = renders++ === 0;
	clearToasts(); // news about the page being left
	const el = h("div", { class: "view" });
	outlet.replaceChildren(el);
	current = { route, key, controller, instance: null };
	try {
		const module = await route.view();
		if (controller.signal.aborted) return;
		const pending = module.default(el, ctx);
		if (!first) {
			scrollTo(0, 0);
			(el.querySelector("h1") ?? outlet).focus();
		}
		const instance = await pending;
		if (current?.controller === controller) current.instance = instance ?? null;
	} catch (err) {
		if (err?.name === "AbortError" || controller.signal.aborted) return;
		fill(el, h("h1", { tabindex: "-1" }, "This page could not be shown"), errorBox(err, { retry: refresh }));
	}
}

function notFound(controller) {
	current = { route: null, key: "", controller, instance: null };
	document.title = "Page not found · Moleculer Shop";
	outlet.replaceChildren(
		h(
			"div",
			{ class: "view" },
			h("h1", { tabindex: "-1" }, "Page not found"),
			h("p", null, "There is nothing at this address. ", h("a", { href: "#/" }, "Back to the shop"), "."),
		),
	);
}
