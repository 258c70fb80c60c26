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
}
