// The storefront's entry point: wires the header (search, currency, cart count, who is signed
// in) to the store, and hands the page body to the router.
import * as api from "./api.js";
import * as store from "./store.js";
import { toast } from "./dom.js";
import { SHOP_CURRENCY, plural } from "./format.js";
import { go, parse, refresh, start } from "./router.js";
import { suggestions } from "./search-suggest.js";

const $ = id => document.getElementById(id);

function showSession() {
	const user = store.user();
	for (const item of document.querySelectorAll("[data-when]")) {
		const when = item.dataset.when;
		item.hidden = when === "guest" ? Boolean(user) : when === "admin" ? user?.role !== "admin" : !user;
	}
	// A first name is enough to tell whose session this is, and keeps the header on one line.
	$("who").textContent = user ? `(${user.name?.split(" ")[0] || user.email})` : "";
}

function showCartCount(count) {
	const badge = $("cart-count");
	badge.textContent = String(count);
	badge.setAttribute("aria-label", plural(count, "item"));
}

// A guest who never touched the cart has none; asking would create an empty one for nothing.
async function loadCartCount() {
	if (!store.token() && !store.cartId()) return showCartCount(0);
	try {
		showCartCount((await api.get("/cart")).itemCount);
	} catch {
		// The count is a convenience; the cart page itself says what went wrong.
	}
}

function showUnread(count) {
	$("messages-count").textContent = String(count);
	$("messages-unread").hidden = !(count > 0);
}

/**
 * The Messages link's unread count. Asked when the shopper moves to another page, comes back to
 * the tab, or every UNREAD_POLL_MS while the tab is in view: a message follows an order's change
 * by seconds, and a count a little late is fine, where a stream per tab for it would not be.
 * The Messages page sets it itself (to 0, having marked them seen).
 */
const UNREAD_POLL_MS = 30_000;
let unreadAsked = null;
async function loadUnread() {
	if (!store.token()) return showUnread(0);
	if (parse().path === "/notifications") return; // that page marks them seen and says so
	unreadAsked?.abort();
	const controller = (unreadAsked = new AbortController());
	try {
		showUnread((await api.get("/notifications/unread", { signal: controller.signal })).unread);
	} catch {
		// A convenience: the Messages page itself says what went wrong.
	}
}

async function loadCurrencies() {
	const select = $("currency");
	let codes = [SHOP_CURRENCY];
	try {
		codes = await api.get("/currencies");
	} catch {
		// Currency service down: prices come in the shop's currency, and the picker says only that.
	}
	const chosen = store.currency() ?? SHOP_CURRENCY;
	if (!codes.includes(chosen)) codes = [chosen, ...codes];
	select.replaceChildren(...codes.map(code => new Option(code, code, false, code === chosen)));
}

// Keeps the stored name and role current (an admin promoted since, a renamed account).
async function checkSession() {
	if (!store.token()) return;
	try {
		store.updateUser(await api.get("/auth/me"));
	} catch {
		// 401: api.js already signed out. Anything else: keep what we know and carry on.
	}
}

function wireHeader() {
	$("search-form").addEventListener("submit", event => {
		event.preventDefault();
		const { path, query } = parse();
		// A new search keeps the category and sort already chosen, and starts at page 1.
		const keep = path === "/" ? { category: query.category, sort: query.sort } : {};
		go("/", { ...keep, q: $("search-q").value.trim() });
	});

	$("currency").addEventListener("change", event => {
		store.setCurrency(event.target.value === SHOP_CURRENCY ? null : event.target.value);
	});

	$("sign-out").addEventListener("click", () => {
		store.signOut();
		toast("You are signed out.", { keep: true });
		go("/");
	});

	suggestions($("search-q"), $("search-suggestions"), $("search-status"), id => go(`/product/${encodeURIComponent(id)}`));

	// Keep the header's search box saying what the catalog is showing.
	addEventListener("hashchange", () => {
		const { path, query } = parse();
		if (path === "/") $("search-q").value = query.q ?? "";
	});
	$("search-q").value = parse().path === "/" ? (parse().query.q ?? "") : "";
}

store.changes.addEventListener("session", event => {
	showSession();
	loadCartCount();
	loadUnread();
	// Signed in or out in another tab: what this page shows may belong to the other session.
	if (event.detail?.external) refresh();
});
store.changes.addEventListener("profile", showSession);
store.changes.addEventListener("expired", () => {
	toast("Your session has ended. Please sign in again.", { tone: "error", keep: true });
	refresh(); // a page drawn for the signed-in user now says "sign in" instead
});
store.changes.addEventListener("currency", () => {
	refresh();
});
store.changes.addEventListener("cart", event => {
	if (event.detail) showCartCount(event.detail.itemCount);
	else loadCartCount();
});

// Told by the Messages page, which has just marked them seen.
store.changes.addEventListener("messages", event => showUnread(event.detail?.unread ?? 0));
addEventListener("hashchange", loadUnread);
document.addEventListener("visibilitychange", () => {
	if (document.visibilityState === "visible") loadUnread();
});
setInterval(() => {
	if (document.visibilityState === "visible") loadUnread();
}, UNREAD_POLL_MS);

wireHeader();
showSession();
start($("main"));
loadCurrencies();
loadCartCount();
loadUnread();
checkSession();
