// Every setting of the shop, read from the environment in this one place.
// The defaults run the whole shop on a laptop with nothing else installed.
import fs from "node:fs";
import path from "node:path";

export interface ShopConfig {
	/** Unset: a single node, no broker between services. `nats://host:4222`: one node of a cluster. */
	transporter: string | null;
	namespace: string;
	nodeID: string | null;
	/** Names of the services this node runs; null runs all of them. */
	services: string[] | null;
	port: number;
	dataDir: string;
	mongoUri: string | null;
	/** Unset: an in-memory cache per node. `redis://host:6379`: one cache shared by the cluster. */
	cacher: string | null;
	logLevel: string;
	/** Requests per minute per client address; 0 turns the limit off (load tests). */
	rateLimit: number;
	/** Addresses of reverse proxies whose X-Forwarded-For the gateway believes; none by default. */
	trustedProxies: string[];
	/** Port of this node's Prometheus endpoint; 0 turns it off. */
	metricsPort: number;
	jwtSecret: string | null;
	adminEmail: string | null;
	adminPassword: string | null;
	production: boolean;
	/** Base currency: what the catalog stores and checkout charges in. */
	baseCurrency: string;
	/** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587; unset: .eml files under DATA_DIR. */
	smtpUrl: string | null;
	/** MAIL_FROM: the sender of every message. */
	mailFrom: string;
	// --- security (hostile input and network) ---
	/** SIGNUP_LIMIT: sign-ups one client address (IPv6: its /64) may start per 15 minutes; 0 turns the limit off (load tests). */
	signUpLimit: number;
}

/**
 * A whole number ≥ `min` from `name`, or `fallback` when unset or blank. Read when called, so a
 * service's own knobs (and tests that change process.env) use it too; nonsense stops the start.
 */
export function envInt(name: string, fallback: number, min = 0): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, not "${raw}"`);
	return value;
}

/** Any number from `min` to `max` (a share, a rate) from `name`, or `fallback` when unset or blank. */
export function envNumber(name: string, fallback: number, min: number, max: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
	return value;
}

function str(name: string): string | null {
	const raw = process.env[name];
	return raw === undefined || raw.trim() === "" ? null : raw.trim();
}

function list(name: string): string[] | null {
	const raw = str(name);
	return raw ? raw.split(",").map(s => s.trim()).filter(Boolean) : null;
}

/** `NAME_FILE` names a file holding the value (Docker secrets, Kubernetes secret volumes). */
function fileContent(name: string): string | null {
	const file = str(name);
	return file ? fs.readFileSync(file, "utf8").trim() || null : null;
}

/** Reads the environment now; tests call it again after changing process.env. */
export function loadConfig(): ShopConfig {
	return {
		transporter: str("TRANSPORTER"),
		namespace: str("NAMESPACE") ?? "shop",
		nodeID: str("NODE_ID") ?? str("NODEID"),
		services: list("SERVICES"),
		port: envInt("PORT", 3000),
		dataDir: path.resolve(str("DATA_DIR") ?? "data"),
		mongoUri: str("MONGO_URI"),
		cacher: str("CACHER"),
		logLevel: str("LOG_LEVEL") ?? "info",
		rateLimit: envInt("RATE_LIMIT", 600),
		trustedProxies: list("TRUSTED_PROXIES") ?? [],
		metricsPort: envInt("METRICS_PORT", 3030),
		jwtSecret: str("JWT_SECRET") ?? fileContent("JWT_SECRET_FILE"),
		adminEmail: str("ADMIN_EMAIL"),
		adminPassword: str("ADMIN_PASSWORD"),
		production: process.env.NODE_ENV === "production",
		baseCurrency: "USD",
		smtpUrl: str("SMTP_URL"),
		mailFrom: str("MAIL_FROM") ?? "Moleculer Shop <shop@localhost>",
		// --- security ---
		signUpLimit: envInt("SIGNUP_LIMIT", 20),
	};
}

export const config: ShopConfig = loadConfig();
