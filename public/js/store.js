// What the browser remembers between visits: the sign-in, the guest cart's id and the chosen
// currency. Everything else is asked of the shop, which is the one source of truth.

const KEYS = { token: "shop.token", user: "shop.user", cartId: "shop.cartId", currency: "shop.currency" };

/** Tells the page that the session or the cart changed, so the header can follow. */
export const changes = new EventTarget();

// localStorage throws in some private modes and when disabled; the shop still works for the
// length of the visit, it just forgets on reload.
const memory = new Map();
function read(key) {
	try {
		return globalThis.localStorage.getItem(key);
	} catch {
		return memory.get(key) ?? null;
	}
}
function write(key, value) {
	try {
		if (value == null) globalThis.localStorage.removeItem(key);
		else globalThis.localStorage.setItem(key, value);
	} catch {
		if (value == null) memory.delete(key);
		else memory.set(key, value);
	}
}

export function token() {
	return read(KEYS.token);
}

/** The signed-in user ({ id, email, name, role }) or null. */
export function user() {
	if (!token()) return null;
	try {
		return JSON.parse(read(KEYS.user) ?? "null");
	} catch {
		return null;
	}
}

export function isAdmin() {
	return user()?.role === "admin";
}

export function signIn(session) {
	write(KEYS.token, session.token);
	write(KEYS.user, JSON.stringify(session.user));
	// The guest cart was merged into the user's cart by this very login; its id is spent.
	write(KEYS.cartId, null);
	changes.dispatchEvent(new Event("session"));
}

/** Fresher details of the same signed-in user (name, role): the header redraws, nothing reloads. */
export function updateUser(profile) {
	write(KEYS.user, JSON.stringify(profile));
	changes.dispatchEvent(new Event("profile"));
}

export function signOut() {
	write(KEYS.token, null);
	write(KEYS.user, null);
	changes.dispatchEvent(new Event("session"));
}

export function cartId() {
	return read(KEYS.cartId);
}

export function setCartId(id) {
	if (id && id !== cartId()) write(KEYS.cartId, id);
}

/** The currency the shopper picked, or null for the shop's own. */
export function currency() {
	return read(KEYS.currency);
}

export function setCurrency(code) {
	write(KEYS.currency, code || null);
	changes.dispatchEvent(new Event("currency"));
}

/** The cart changed (added, removed, checked out): whoever shows a count should ask again. */
export function cartChanged(cart) {
	changes.dispatchEvent(new CustomEvent("cart", { detail: cart ?? null }));
}

// Another tab signed in or out: follow it rather than act on a stale token.
globalThis.addEventListener?.("storage", event => {
	if (event.key === KEYS.token || event.key === KEYS.user) changes.dispatchEvent(new CustomEvent("session", { detail: { external: true } }));
});
