// What the gateway reads from a request before any action runs: who is calling (behind trusted
// proxies only), the client as every limit counts it, a sane request id, and the headers passed on.
import type { IncomingMessage } from "node:http";
import { clientKey } from "../../lib/client-key";
import { config } from "../../lib/config";
import { invalidField } from "../../lib/errors";

const SANE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/** A client's X-Request-Id becomes the request id in every log line: only a sane one. */
export function saneRequestId(options: { requestID?: string }, req: IncomingMessage): void {
	const id = req.headers["x-request-id"];
	// Cleared, not deleted: a delete would turn the options object of every request into a slow one.
	if (typeof id !== "string" || !SANE_REQUEST_ID.test(id)) options.requestID = undefined;
}

/**
 * Who is calling: the socket's address; or, when the socket is a reverse proxy we trust, the
 * nearest address in X-Forwarded-For that is not one of our proxies. Everything left of that
 * in the header is the client's own say and is never believed.
 */
export function clientAddress(req: IncomingMessage): string {
	const strip = (a: string) => a.replace(/^::ffff:(?=\d+\.)/i, "");
	const peer = strip(req.socket.remoteAddress ?? "unknown");
	if (!config.trustedProxies.includes(peer)) return peer;
	const hops = String(req.headers["x-forwarded-for"] ?? "")
		.split(",")
		.map(h => strip(h.trim()))
		.filter(Boolean);
	for (let i = hops.length - 1; i >= 0; i--) if (!config.trustedProxies.includes(hops[i])) return hops[i];
	return peer;
}

/** The rate limit's key: the client as every limit of the shop counts it. */
export function rateLimitKey(req: IncomingMessage): string {
	return clientKey(clientAddress(req));
}

// The query parser silently drops parameters named after Object.prototype's own properties
// (`?constructor=x`, `?__proto__[a]=1`), so the actions' strict schemas never see them: refuse
// them here, as every other unknown parameter is refused.
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

export function rejectPrototypeKeys(req: IncomingMessage): void {
	const query = req.url?.split("?")[1];
	if (!query) return;
	for (const key of new URLSearchParams(query).keys()) {
		const name = key.split("[")[0];
		if (PROTOTYPE_KEYS.has(name)) throw invalidField(name, `Unknown field '${name}'`);
	}
}

/** A header as the client sent it; the action it is meant for validates it (a bad one is a 422, never ignored). */
export function headerOf(req: IncomingMessage, name: string): string | null {
	const value = req.headers[name];
	return typeof value === "string" ? value : null;
}
