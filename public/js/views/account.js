// Sign in and register. Both send the guest cart's id (api.js does) so the shop merges the
// guest's cart into the account's; then the shopper goes back where they were headed (?next=).
import * as api from "../api.js";
import * as store from "../store.js";
import { h, fill, field, formValues, busy, pageTitle, toast } from "../dom.js";
import { clearFormError, showFormError } from "../components.js";
import { go, href } from "../router.js";

/** Only a path inside this page: an open redirect is not a feature. */
function nextPath(query) {
	return /^\/[\w\-/]*$/.test(query.next ?? "") ? query.next : "/";
}

export default function account(el, ctx) {
	const registering = ctx.params.mode === "register";
	const next = nextPath(ctx.query);
	const signedIn = store.user();

	const title = pageTitle(registering ? "Create an account" : "Sign in");
	if (signedIn) {
		fill(el, title, h("p", null, `You are signed in as ${signedIn.email}. `, h("a", { href: `#${next}` }, "Continue"), "."));
		return;
	}

	// h() skips a null child; Element.append would write it out as the text "null".
	const form = h(
		"form",
		{ class: "form narrow", onSubmit: submit },
		registering ? field("Name", { name: "name", autocomplete: "name", required: true, maxlength: "100" }) : null,
		field("Email", { name: "email", type: "email", autocomplete: "email", required: true, maxlength: "200" }),
		field(
			"Password",
			{ name: "password", type: "password", autocomplete: registering ? "new-password" : "current-password", required: true, minlength: registering ? "8" : null },
			{ hint: registering ? "At least 8 characters." : undefined },
		),
		h("button", { type: "submit", class: "btn btn-primary" }, registering ? "Create account" : "Sign in"),
	);

	const other = registering
		? h("p", null, "Already have an account? ", h("a", { href: href("/login", { next: ctx.query.next }) }, "Sign in"), ".")
		: h("p", null, "New here? ", h("a", { href: href("/register", { next: ctx.query.next }) }, "Create an account"), ".");
	const cartNote = store.cartId() ? h("p", { class: "hint" }, "The items in your cart come with you.") : null;
	fill(el, title, cartNote, form, other);

	async function submit(event) {
		event.preventDefault();
		clearFormError(form);
		const values = formValues(form);
		// Passwords are sent as typed: spaces at either end may be part of them.
		values.password = new FormData(form).get("password");
		busy(form, true);
		try {
			const session = await api.post(registering ? "/auth/register" : "/auth/login", values);
			store.signIn(session);
			toast(registering ? `Welcome, ${session.user.name}!` : `Signed in as ${session.user.email}.`, { tone: "success", keep: true });
			go(next);
		} catch (err) {
			busy(form, false);
			showFormError(form, err);
		}
	}
}
