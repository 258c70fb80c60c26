// Accounts: the public shape of a user, and the users service's actions.
import type { Role } from "../../lib/meta";

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

export interface UsersActions {
	"users.register": { params: { email: string; password: string; name: string }; result: Session };
	"users.login": { params: { email: string; password: string }; result: Session };
	"users.me": { params: Record<string, never>; result: User };
	/** Signs the caller out everywhere: every token they hold stops working within a minute. */
	"users.logout": { params: Record<string, never>; result: null };
	/** An admin changes a user's role; the user's tokens are refused from then on (they sign in again). */
	"users.setRole": { params: { id: string; role: Role }; result: User };
	/** The current version of a user's tokens (the gateway refuses older ones); null for no such user. */
	"users.tokenVersion": { params: { id: string }; result: { version: number | null } };
}
