// What other services may know of users: the public shape of a user, and the users service's
// actions (params and results). Accounts' e-mails are one mailbox each, bounded before any check.
import { action, as, contract, type ActionsOf } from "../../lib/contract";
import type { Role } from "../../lib/meta";
import { emailParam, EMAIL_MAX_LENGTH } from "./email";
import { passwordParam } from "./password";

export interface User {
	id: string;
	email: string;
	name: string;
	role: Role;
	createdAt: string;
}

export interface Session {
	user: User;
	token: string;
}

const USER_ID = { type: "string", min: 1, max: 64 } as const;
const ROLE = { type: "enum", values: ["customer", "admin"] } as const;

export const UsersContract = contract("users", {
	/** POST /api/auth/register: always a customer, whatever else the body says. */
	register: action({
		params: { $$strict: true, email: emailParam(), password: passwordParam(), name: { type: "string", trim: true, min: 1, max: 100 } },
		result: as<Session>(),
	}),
	/** POST /api/auth/login */
	login: action({
		// Only bounded: an address that is no mailbox simply signs in to nothing (a 401).
		params: { $$strict: true, email: { type: "string", min: 1, max: EMAIL_MAX_LENGTH }, password: passwordParam(1) },
		result: as<Session>(),
	}),
	/** GET /api/auth/me */
	me: action({ params: { $$strict: true }, result: as<User>() }),
	/** POST /api/auth/logout: every token the caller holds stops working (within a minute everywhere). */
	logout: action({ params: { $$strict: true }, result: as<null>() }),
	/** PUT /api/users/:id/role (admin): the user's old tokens, with the old role in them, are refused. */
	setRole: action({ params: { $$strict: true, id: USER_ID, role: ROLE }, result: as<User>() }),
	/** For the gateway: the version a token must carry to be honoured; null for no such user. */
	tokenVersion: action({ params: { $$strict: true, id: USER_ID }, result: as<{ version: number | null }>() }),
});

export type UsersActions = ActionsOf<typeof UsersContract>;
