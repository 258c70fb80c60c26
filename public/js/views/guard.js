// Pages that belong to a signed-in shopper say so, with a way to sign in and come back.
import * as store from "../store.js";
import { h } from "../dom.js";
import { href } from "../router.js";

/** True (and a "sign in" prompt in `el`) when nobody is signed in. */
export function signInFirst(el, back, toDo) {
	if (store.user()) return false;
	el.append(
		h(
			"p",
			null,
			`Sign in to ${toDo}. `,
			h("a", { href: href("/login", { next: back }) }, "Sign in"),
			" or ",
			h("a", { href: href("/register", { next: back }) }, "create an account"),
			".",
		),
	);
	return true;
}
