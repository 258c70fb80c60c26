// Bearer tokens: JWTs that the users service signs and the gateway verifies by itself, so that
// signed-in routes keep working while the users service is down.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { config } from "./config";
import type { AuthUser, Role } from "../types/meta";

const ALGORITHM = "HS256";
const ISSUER = "moleculer-shop";
const AUDIENCE = "moleculer-shop-api";
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const MIN_SECRET_LENGTH = 32;

let cachedSecret: string | null = null;

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
	if (config.dataDir.endsWith(":memory:")) return crypto.randomBytes(48).toString("base64url");
	const file = path.join(config.dataDir, "jwt-secret");
	fs.mkdirSync(config.dataDir, { recursive: true });
	try {
		// "wx": of two nodes starting together, one writes and both read the same secret.
		fs.writeFileSync(file, crypto.randomBytes(48).toString("base64url"), { flag: "wx", mode: 0o600 });
		console.warn(`JWT_SECRET is not set: generated one in ${file}. Set JWT_SECRET in production.`);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
	}
	return fs.readFileSync(file, "utf8").trim();
}

export function signToken(user: AuthUser, now: Date = new Date()): string {
	return jwt.sign({ email: user.email, role: user.role, iat: Math.floor(now.getTime() / 1000) }, jwtSecret(), {
		algorithm: ALGORITHM,
		subject: user.id,
		issuer: ISSUER,
		audience: AUDIENCE,
		expiresIn: TOKEN_TTL_SECONDS,
	});
}

/** The user a token names, or null for any token that is not ours, not intact or not current. */
export function verifyToken(token: string): AuthUser | null {
	try {
		const claims = jwt.verify(token, jwtSecret(), {
			algorithms: [ALGORITHM],
			issuer: ISSUER,
			audience: AUDIENCE,
		}) as jwt.JwtPayload;
		const role = claims.role as Role;
		if (typeof claims.sub !== "string" || typeof claims.email !== "string" || (role !== "customer" && role !== "admin"))
			return null;
		return { id: claims.sub, email: claims.email, role };
	} catch {
		return null;
	}
}
