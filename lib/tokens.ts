// Bearer tokens: JWTs that the users service signs and the gateway verifies by itself, so that
// signed-in routes keep working while the users service is down.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { LRUCache } from "lru-cache";
import { config } from "./config";
import type { AuthUser, Role } from "./meta";

const ALGORITHM = "HS256";
export const TOKEN_ISSUER = "moleculer-shop";
export const TOKEN_AUDIENCE = "moleculer-shop-api";
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const MIN_SECRET_LENGTH = 32;

let cachedSecret: string | null = null;
let secretKey: crypto.KeyObject | null = null;

/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to read it as a
 * public key (createPublicKey, which throws) at every sign and verify, most of a verify's cost.
 */
function signingKey(): crypto.KeyObject {
	return (secretKey ??= crypto.createSecretKey(Buffer.from(jwtSecret(), "utf8")));
}

/**
 * Tokens already verified, until they expire: a signed-in shopper's every request carries the
 * same token. Bounded, so a flood of distinct (valid) tokens only evicts older entries; a token
 * is only ever added after its signature and claims were checked.
 */
const VERIFIED_CACHE_SIZE = 10_000;
const verified = new LRUCache<string, { token: VerifiedToken; validUntilMs: number }>({ max: VERIFIED_CACHE_SIZE });

/**
 * JWT_SECRET, or in development a random secret kept under DATA_DIR (so tokens survive a
 * restart and every node sharing that folder agrees). In production a missing or short secret
 * stops the node: a guessable secret would let anyone mint an admin token.
 */
export function jwtSecret(): string {
	if (cachedSecret) return cachedSecret;
	if (config.jwtSecret) {
		if (config.production && config.jwtSecret.length < MIN_SECRET_LENGTH)
			throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production`);
		return (cachedSecret = config.jwtSecret);
	}
	if (config.production) throw new Error("JWT_SECRET is required when NODE_ENV=production");
	cachedSecret = devSecret();
	return cachedSecret;
}

function devSecret(): string {
	if (config.dataDir.endsWith(":memory:")) {
		console.warn("JWT_SECRET is not set: using a random one for this process only; other nodes will refuse its tokens.");
		return crypto.randomBytes(48).toString("base64url");
	}
	const file = path.join(config.dataDir, "jwt-secret");
	fs.mkdirSync(config.dataDir, { recursive: true });
	// Written whole under a temporary name, then linked into place: of two nodes starting together,
	// one links and both read the same secret, and neither can read a half-written file.
	const draft = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
	fs.writeFileSync(draft, crypto.randomBytes(48).toString("base64url"), { mode: 0o600 });
	try {
		fs.linkSync(draft, file);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
	} finally {
		fs.rmSync(draft, { force: true });
	}
	console.warn(`JWT_SECRET is not set: using the secret generated in ${file}. Set JWT_SECRET in production.`);
	return fs.readFileSync(file, "utf8").trim();
}

/** A token's user, and the version of the user's tokens it was signed at (see `tokenVersion` in the users service). */
export interface VerifiedToken extends AuthUser {
	tokenVersion: number;
}

/**
 * `ver` is the user's token version when signed: signing out or a change of role raises it, and
 * the gateway then refuses every token signed before (services/api/token-versions.ts).
 */
export function signToken(user: AuthUser & { tokenVersion?: number }, now: Date = new Date()): string {
	const claims = { email: user.email, role: user.role, ver: user.tokenVersion ?? 0, iat: Math.floor(now.getTime() / 1000) };
	return jwt.sign(claims, signingKey(), {
		algorithm: ALGORITHM,
		subject: user.id,
		issuer: TOKEN_ISSUER,
		audience: TOKEN_AUDIENCE,
		expiresIn: TOKEN_TTL_SECONDS,
	});
}

/** The user a token names, or null for any token that is not ours, not intact or not current. */
export function verifyToken(token: string, nowMs: number = Date.now()): VerifiedToken | null {
	const known = verified.get(token);
	if (known) {
		if (known.validUntilMs > nowMs) return known.token;
		verified.delete(token);
		return null;
	}
	const checked = checkToken(token);
	if (!checked) return null;
	const validUntilMs = Math.min(checked.exp, checked.iat + TOKEN_TTL_SECONDS) * 1000;
	if (validUntilMs <= nowMs) return null;
	verified.set(token, { token: checked.token, validUntilMs });
	return checked.token;
}

function checkToken(token: string): { token: VerifiedToken; exp: number; iat: number } | null {
	try {
		const claims = jwt.verify(token, signingKey(), {
			algorithms: [ALGORITHM],
			issuer: TOKEN_ISSUER,
			audience: TOKEN_AUDIENCE,
			// Needs `iat` and bounds the token's life by our TTL, whatever `exp` it carries.
			maxAge: TOKEN_TTL_SECONDS,
		}) as jwt.JwtPayload;
		const role = claims.role as Role;
		// jsonwebtoken accepts a token without `exp`: ours always have one.
		if (typeof claims.exp !== "number" || typeof claims.iat !== "number" || typeof claims.sub !== "string" || typeof claims.email !== "string") return null;
		if (role !== "customer" && role !== "admin") return null;
		// Tokens signed before versions existed carry none: version 0, every user's first.
		const tokenVersion = claims.ver ?? 0;
		if (!Number.isInteger(tokenVersion)) return null;
		return { token: { id: claims.sub, email: claims.email, role, tokenVersion }, exp: claims.exp, iat: claims.iat };
	} catch {
		return null;
	}
}

// In production a node that cannot check tokens safely refuses to start: every node that signs
// or checks tokens imports this module, so loading it is the earliest and surest place to say so.
if (config.production) jwtSecret();
