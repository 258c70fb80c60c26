// The one way the pages talk to the shop's REST API (/api, see the contract). It adds the token,
// the guest cart id and the currency, and turns every failure into an ApiError with the
// contract's { name, message, code, type, data } so views only ever show `message`.
import * as store from "./store.js";

/** A failed request: the API's answer, or a network failure (status 0). */
export class ApiError extends Error {
	constructor(status, body, retryAfter) {
		super(body?.message || fallbackMessage(status));
		this.name = body?.name || "ApiError";
		this.status = status;
		this.type = body?.type || "";
		this.data = body?.data;
		/** Seconds to wait before asking again (429 and 503), or null. */
		this.retryAfter = retryAfter;
	}

	/** The [{ field, message }] of a 422, or []. */
	get fields() {
		return this.status === 422 && Array.isArray(this.data) ? this.data.filter(p => p && typeof p.field === "string") : [];
	}

	/** True when nobody knows whether the request took effect, so repeating it is the answer. */
	get outcomeUnknown() {
		return this.status === 0 || this.status === 429 || this.status >= 500;
	}
}

function fallbackMessage(status) {
	if (status === 0) return "Cannot reach the shop. Check your connection and try again.";
	if (status === 404) return "Not found.";
	if (status === 503) return "The shop is busy right now. Try again shortly.";
	if (status >= 500) return "Something went wrong on our side. Try again.";
	return `The request failed (${status}).`;
}

// The guest cart id goes only where the contract reads it: cart calls, and sign-in so the guest
// cart merges into the user's.
const CART_ID_PATHS = /^\/(cart|auth\/login|auth\/register)(\/|$)/;
// A 401 from these means a wrong password, not a stale token.
const SIGN_IN_PATHS = /^\/auth\/(login|register)$/;
// Reads that can show converted prices. Writes take no currency (unknown fields are a 422).
const CURRENCY_PATHS = /^\/(products(\/[^/]+(\/recommendations)?)?|cart)$/;

/**
 * Call the API. `path` is relative to /api ("/products"); `query` values that are empty are left
 * out. Resolves with the parsed JSON (null for an empty answer); rejects with ApiError. With
 * `paged`, resolves with { rows, total }: the list and its X-Total-Count (the admin lists).
 */
export async function api(method, path, { query, body, headers: extra, signal, paged = false } = {}) {
	const headers = { Accept: "application/json", ...extra };
	if (body !== undefined) headers["Content-Type"] = "application/json";
	const token = store.token();
	if (token) headers.Authorization = `Bearer ${token}`;
	const cartId = store.cartId();
	if (cartId && CART_ID_PATHS.test(path)) headers["X-Cart-Id"] = cartId;

	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query ?? {})) {
		if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
	}
	const currency = store.currency();
	if (method === "GET" && currency && CURRENCY_PATHS.test(path) && !params.has("currency")) params.set("currency", currency);
	const url = `/api${path}${params.size ? `?${params}` : ""}`;

	let res;
	try {
		res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		throw new ApiError(0, null, null);
	}

	// Only a guest's cart is named by the header; a signed-in user's cart follows the token.
	const newCartId = res.headers.get("X-Cart-Id");
	if (newCartId && !token) store.setCartId(newCartId);

	const data = await parseBody(res);
	if (res.ok) return paged ? { rows: data ?? [], total: Number(res.headers.get("X-Total-Count") ?? data?.length ?? 0) } : data;

	// A stored token that the shop no longer accepts (expired, secret rotated): forget it and ask
	// once more as a guest, so browsing goes on and a user-only page says "sign in".
	if (res.status === 401 && token && !SIGN_IN_PATHS.test(path)) {
		store.signOut();
		store.changes.dispatchEvent(new Event("expired"));
		return api(method, path, { query, body, headers: extra, signal, paged });
	}
	throw new ApiError(res.status, data && typeof data === "object" ? data : null, retryAfterOf(res));
}

async function parseBody(res) {
	const text = await res.text();
	if (!text) return null;
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function retryAfterOf(res) {
	const raw = res.headers.get("Retry-After");
	if (!raw) return null;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
	const date = Date.parse(raw);
	return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export const get = (path, opts) => api("GET", path, opts);
/** A page of an admin list: { rows, total }. */
export const getPage = (path, opts) => api("GET", path, { ...opts, paged: true });
export const post = (path, body, opts) => api("POST", path, { ...opts, body: body ?? {} });
export const put = (path, body, opts) => api("PUT", path, { ...opts, body });
export const patch = (path, body, opts) => api("PATCH", path, { ...opts, body });
export const del = (path, opts) => api("DELETE", path, opts);

/** Ids go into paths: never let one reshape the URL. */
export const seg = id => encodeURIComponent(String(id));

/**
 * Follow a Server-Sent Events stream of the API (fetch, not EventSource: the token goes in the
 * Authorization header, never in a URL). Calls `onEvent(name, data)` for each event; reconnects
 * after a drop (the stream sends the current state again at once) until `signal` aborts.
 */
export async function follow(path, onEvent, signal) {
	while (!signal?.aborted) {
		try {
			const headers = { Accept: "text/event-stream" };
			const token = store.token();
			if (token) headers.Authorization = `Bearer ${token}`;
			const res = await fetch(`/api${path}`, { headers, signal });
			if (!res.ok || !res.body) return;
			const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
			let buffer = "";
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				buffer += value;
				let end;
				while ((end = buffer.indexOf("\n\n")) >= 0) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const name = /^event: (.*)$/m.exec(block)?.[1];
					const data = /^data: (.*)$/m.exec(block)?.[1];
					if (name && data) onEvent(name, JSON.parse(data));
				}
			}
		} catch (err) {
			if (err?.name === "AbortError") return;
		}
		await new Promise(resolve => setTimeout(resolve, 3_000));
	}
}
