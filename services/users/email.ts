// E-mail addresses as a client sends them: one address, one mailbox. The length is checked first,
// before anything else looks at the string, and every check after it is linear: fastest-validator's
// own `email` rule still runs its backtracking pattern after `max` has failed (60,000 '@' held the
// node for seconds). An address with a separator, a space, a line break or a second '@' would put
// a stranger on the order e-mail's `to:` line, so it is refused, never cleaned up.

/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_MAX_LENGTH = 64;
const LABEL_MAX_LENGTH = 63;

// Each runs on a string already known to be short, and none nests a quantifier in another.
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const TOP_LEVEL = /^[A-Za-z]{2,63}$/;

export interface EmailRuleBroken {
	type: "string" | "stringEmpty" | "stringMax" | "email";
	expected?: number;
}

/** What is wrong with `value` as one mailbox's address, or null. Never slower than its length allows. */
export function emailRuleBroken(value: unknown): EmailRuleBroken | null {
	if (typeof value !== "string") return { type: "string" };
	// Room for the surrounding spaces a form may add, and not a character more.
	if (value.length > EMAIL_MAX_LENGTH + 16) return { type: "stringMax", expected: EMAIL_MAX_LENGTH };
	const address = value.trim();
	if (address.length === 0) return { type: "stringEmpty" };
	if (address.length > EMAIL_MAX_LENGTH) return { type: "stringMax", expected: EMAIL_MAX_LENGTH };
	return isMailbox(address) ? null : { type: "email" };
}

/** One plain `local@domain.tld`: no quoted local parts, no comments, no IP literals, no lists. */
export function isMailbox(address: string): boolean {
	if (address.length > EMAIL_MAX_LENGTH) return false;
	const at = address.indexOf("@");
	if (at < 1 || at !== address.lastIndexOf("@")) return false;
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (local.length > LOCAL_MAX_LENGTH || !local.split(".").every(atom => LOCAL_ATOM.test(atom))) return false;
	const labels = domain.split(".");
	if (labels.length < 2 || !TOP_LEVEL.test(labels[labels.length - 1])) return false;
	return labels.every(label => label.length <= LABEL_MAX_LENGTH && LABEL.test(label));
}

/**
 * The `email` param rule: a string (its type in the contract), checked by length before anything
 * else, one mailbox, trimmed and lower-cased (the unique index then makes addresses unique
 * whatever their case). Like the password rule, it never copies the refused value into the 422.
 */
export function emailParam() {
	return {
		type: "string" as const,
		custom(value: unknown, errors: object[]): unknown {
			if (typeof value !== "string") return value; // missing or no string: the rule's type check says so
			const broken = emailRuleBroken(value);
			if (broken) {
				errors.push(broken);
				return value;
			}
			return normalizeEmail(value as string);
		},
	};
}

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}
