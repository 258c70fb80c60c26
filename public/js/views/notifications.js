// My messages: what the shop told me about my orders, and whether it has gone out yet.
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, pageTitle, loading } from "../dom.js";
import { errorBox } from "../components.js";
import { dateTime, notificationText, shortId } from "../format.js";
import { signInFirst } from "./guard.js";

export default async function notifications(el, ctx) {
	const title = pageTitle("Messages");
	fill(el, title);
	if (signInFirst(el, "/notifications", "see your messages")) return;

	el.append(loading("Loading your messages"));
	try {
		const list = await api.get("/notifications", { signal: ctx.signal });
		fill(el, title, list.length ? h("ul", { class: "messages" }, list.map(message)) : h("p", { class: "empty" }, "No messages yet. You will get one for each order."));
		if (list.some(n => n.readAt === null)) markSeen(list[0].createdAt);
	} catch (err) {
		if (err?.name === "AbortError") throw err;
		fill(el, title, errorBox(err, { retry: () => notifications(el, ctx) }));
	}
}

/**
 * What this page showed is seen now: up to its newest message, so one that arrived since stays
 * unread. The header's count follows.
 */
async function markSeen(upTo) {
	try {
		const { unread } = await api.post("/notifications/read", { upTo });
		store.changes.dispatchEvent(new CustomEvent("messages", { detail: { unread } }));
	} catch {
		// Still unread: the count says so, and the next visit tries again.
	}
}

function message(n) {
	return h(
		"li",
		{ class: n.readAt === null ? "message message-new" : "message" },
		h("p", { class: "message-subject" }, n.readAt === null ? h("span", { class: "badge badge-new" }, "New") : null, n.readAt === null ? " " : null, n.subject || notificationText(n.type)),
		h(
			"p",
			{ class: "hint" },
			`${notificationText(n.type)} · `,
			h("a", { href: `#/orders/${encodeURIComponent(n.orderId)}` }, `Order #${shortId(n.orderId)}`),
			` · ${dateTime(n.createdAt)} · `,
			// sentAt stays empty until the message has left; the shop never sends one twice.
			n.sentAt ? `Sent ${dateTime(n.sentAt)}` : h("span", { class: "badge stock-unknown" }, "Sending"),
		),
	);
}
