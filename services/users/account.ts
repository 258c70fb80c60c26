// A user as stored, and the only shape in which one ever leaves the users service.
import type { Doc } from "../../mixins/db.mixin";
import type { Role } from "../../lib/meta";
import type { User } from "./users.contract";

export interface UserDoc extends Doc {
	/** Trimmed and lower-cased: the unique index then makes emails unique whatever their case. */
	email: string;
	name: string;
	role: Role;
	passwordHash: string;
	/**
	 * Raised by signing out and by a change of role: tokens carry the version they were signed at,
	 * and the gateway refuses older ones. Absent on accounts older than it: version 0.
	 */
	tokenVersion?: number;
	createdAt: string;
	updatedAt: string;
}

/** Field by field, so a field added to UserDoc stays private until someone adds it here on purpose. */
export function toPublicUser(doc: UserDoc): User {
	return { id: doc._id, email: doc.email, name: doc.name, role: doc.role, createdAt: doc.createdAt };
}

export { normalizeEmail } from "./email";
