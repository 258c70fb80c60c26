// The first admin, from ADMIN_EMAIL / ADMIN_PASSWORD: created on the first start, brought back to
// that password and role on any later one, left alone when it already matches.
import crypto from "node:crypto";
import { isDuplicateKey, type Store } from "../../mixins/db.mixin";
import { type UserDoc } from "./account";
import { isMailbox, normalizeEmail } from "./email";
import { hashPassword, needsRehash, passwordProblem, SCRYPT_COST, verifyPassword, type ScryptCost } from "./password";

export type AdminOutcome = "created" | "updated" | "unchanged";

/** What is wrong with the configured admin, or null; the service refuses to start rather than run with it. */
export function adminConfigProblem(email: string | null, password: string | null): string | null {
	if (!email && !password) return null;
	if (!email || !password) return "ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither";
	if (!isMailbox(email.trim())) return "ADMIN_EMAIL is not an email address";
	const problem = passwordProblem(password);
	return problem && `ADMIN_PASSWORD: ${problem}`;
}

/**
 * Idempotent, and safe when several users instances start at once: the unique email index lets
 * one insert win, and the others then find that account and see it already matches.
 * An account someone registered under this email first becomes the admin's, with the admin's
 * password: whoever registered it cannot sign in to it any more.
 */
export async function ensureAdmin(store: Store<UserDoc>, email: string, password: string, now: Date, cost: ScryptCost = SCRYPT_COST): Promise<AdminOutcome> {
	const normalized = normalizeEmail(email);
	for (let tries = 0; tries < 3; tries++) {
		const existing = await store.findOne({ email: normalized });
		if (existing) {
			const keepHash = !needsRehash(existing.passwordHash, cost) && (await verifyPassword(password, existing.passwordHash));
			if (existing.role === "admin" && keepHash) return "unchanged";
			const passwordHash = keepHash ? existing.passwordHash : await hashPassword(password, cost);
			await store.updateById(existing._id, { $set: { role: "admin", passwordHash, updatedAt: now.toISOString() } });
			return "updated";
		}
		const at = now.toISOString();
		try {
			await store.insert({ _id: crypto.randomUUID(), email: normalized, name: "Administrator", role: "admin", passwordHash: await hashPassword(password, cost), createdAt: at, updatedAt: at });
			return "created";
		} catch (err) {
			if (!isDuplicateKey(err)) throw err;
		}
	}
	throw new Error("Could not create or update the admin account");
}
