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
	/** SMTP_URL, e.g. smtp://user:pass@mail.example.com:587; unset: DATA_DIR/notifications/outbox.mbox. */
	smtpUrl: string | null;
	/** MAIL_FROM: the sender of every message. */
	mailFrom: string;
	/** LOG_FORMAT: `text` (default, for people) or `json` (one object a line, with request and trace ids). */
	logFormat: "text" | "json";
	/** TRACING_EXPORTER: where spans go; none (default), `console` (development), or `zipkin`. */
	tracingExporter: "none" | "console" | "zipkin";
	/** ZIPKIN_URL: a Zipkin-format collector (Zipkin, Jaeger); spans are POSTed to <url>/api/v2/spans. */
	zipkinUrl: string;

	// --- Node runtime: how a node joins the cluster, and what bounds its memory ---
	/** How this node proves itself to NATS (besides credentials in TRANSPORTER's URL), and TLS. */
	transporterAuth: TransporterAuth;
	/** CACHE_MAX: most entries the in-memory cache holds (least recently used leave first). */
	cacheMax: number;
	/** How long a stopping gateway keeps serving (readiness already 503) before it closes its port. */
	shutdownDrainMs: number;
	// The cart's store (services/cart/storage.ts).
	/** CART_STORE: unset, carts live in the shop's store (NeDB or MongoDB); `redis://host:6379/<db>`: in Redis. */
	cartStore: string | null;
	orders: OrdersConfig;
	// --- security (hostile input and network) ---
	/** SIGNUP_LIMIT: sign-ups one client address (IPv6: its /64) may start per 15 minutes; 0 turns the limit off (load tests). */
	signUpLimit: number;
}

export interface TransporterAuth {
	/** NATS_USER and NATS_PASSWORD (or NATS_PASSWORD_FILE). */
	user: string | null;
	password: string | null;
	/** NATS_TOKEN (or NATS_TOKEN_FILE). */
	token: string | null;
	/** Set when NATS_TLS=true or any NATS_TLS_*_FILE is: the connection must be encrypted. */
	tls: { caFile?: string; certFile?: string; keyFile?: string } | null;
}

// --- orders (the checkout saga's timings) ---
export interface OrdersConfig {
	/** One call to another service during checkout (ORDERS_STEP_TIMEOUT_MS). */
	stepTimeoutMs: number;
	/** How long a saga's runner may go silent before another run takes its order over (ORDERS_LEASE_MS). */
	leaseMs: number;
	/** How often to look for abandoned orders and undelivered messages (ORDERS_SWEEP_MS). */
	sweepMs: number;
	/** When to undo a failed checkout a second time, for late-landing steps (ORDERS_RECHECK_MS). */
	recheckMs: number;
	/** How often to ask shipping about every order in transit, besides once at start (ORDERS_RECONCILE_MS). */
	reconcileMs: number;
	/** How long an order's undelivered messages wait before the next try (ORDERS_RELAY_RETRY_MS). */
	relayRetryMs: number;
	/** How long a request waits for what follows its answer before answering (ORDERS_SETTLE_WAIT_MS). */
	settleWaitMs: number;
}

function ordersConfig(): OrdersConfig {
	// Milliseconds, at least 1: a zero wait would spin.
	const ms = (name: string, fallback: number) => envInt(name, fallback, 1);
	const stepTimeoutMs = ms("ORDERS_STEP_TIMEOUT_MS", 3_000);
	const leaseMs = ms("ORDERS_LEASE_MS", 15_000);
	// A lease shorter than a step would let a second run undo a step still in flight.
	if (leaseMs <= stepTimeoutMs) throw new Error(`ORDERS_LEASE_MS (${leaseMs}) must be longer than ORDERS_STEP_TIMEOUT_MS (${stepTimeoutMs})`);
	return {
		stepTimeoutMs,
		leaseMs,
		sweepMs: ms("ORDERS_SWEEP_MS", 2_000),
		recheckMs: ms("ORDERS_RECHECK_MS", 60_000),
		reconcileMs: ms("ORDERS_RECONCILE_MS", 5 * 60_000),
		relayRetryMs: ms("ORDERS_RELAY_RETRY_MS", 5_000),
		settleWaitMs: ms("ORDERS_SETTLE_WAIT_MS", 1_000),
	};
}
// --- end orders ---

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

/** One of `values` from `name`, or `fallback` when unset; anything else stops the start. */
function oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
	const raw = str(name);
	if (raw === null) return fallback;
	if (!(values as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${values.join(", ")}, not "${raw}"`);
	return raw as T;
}

/** `NAME_FILE` names a file holding the value (Docker secrets, Kubernetes secret volumes). */
function fileContent(name: string): string | null {
	const file = str(name);
	return file ? fs.readFileSync(file, "utf8").trim() || null : null;
}

/** A `redis://` or `rediss://` URL from `name`, or null when unset; anything else stops the start. */
function cartStoreUrl(name: string): string | null {
	const raw = str(name);
	if (raw !== null && !/^rediss?:\/\/[^\s]+$/.test(raw)) throw new Error(`${name} must be a redis:// or rediss:// URL (e.g. redis://redis:6379/1), not "${raw}"`);
	return raw;
}

/** Reads the environment now; tests call it again after changing process.env. */
export function loadConfig(): ShopConfig {
	const cfg: ShopConfig = {
		transporter: str("TRANSPORTER"),
		namespace: str("NAMESPACE") ?? "shop",
		nodeID: str("NODE_ID") ?? str("NODEID"),
		services: list("SERVICES"),
		port: envInt("PORT", 3000),
		dataDir: path.resolve(str("DATA_DIR") ?? "data"),
		mongoUri: str("MONGO_URI") ?? fileContent("MONGO_URI_FILE"),
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
		logFormat: oneOf("LOG_FORMAT", ["text", "json"] as const, "text"),
		tracingExporter: oneOf("TRACING_EXPORTER", ["none", "console", "zipkin"] as const, "none"),
		zipkinUrl: str("ZIPKIN_URL") ?? "http://127.0.0.1:9411",
		transporterAuth: readTransporterAuth(),
		cacheMax: envInt("CACHE_MAX", 10_000, 1),
		// Long enough for a balancer probing every second or two to see readiness fail and stop sending.
		shutdownDrainMs: envInt("SHUTDOWN_DRAIN_MS", process.env.NODE_ENV === "production" ? 5_000 : 0),
		cartStore: cartStoreUrl("CART_STORE"),
		orders: ordersConfig(),
		// --- security ---
		signUpLimit: envInt("SIGNUP_LIMIT", 20),
	};
	refuseUnauthenticatedTransporter(cfg);
	return cfg;
}

// --- Node runtime ---

function readTransporterAuth(): TransporterAuth {
	const user = str("NATS_USER");
	const password = str("NATS_PASSWORD") ?? fileContent("NATS_PASSWORD_FILE");
	if ((user === null) !== (password === null)) throw new Error("NATS_USER and NATS_PASSWORD (or NATS_PASSWORD_FILE) go together: set both or neither");
	const files = { caFile: str("NATS_TLS_CA_FILE"), certFile: str("NATS_TLS_CERT_FILE"), keyFile: str("NATS_TLS_KEY_FILE") };
	const given = Object.fromEntries(Object.entries(files).filter(([, v]) => v !== null)) as NonNullable<TransporterAuth["tls"]>;
	const tls = str("NATS_TLS") === "true" || Object.keys(given).length > 0 ? given : null;
	return { user, password, token: str("NATS_TOKEN") ?? fileContent("NATS_TOKEN_FILE"), tls };
}

/** Credentials in the transporter URL itself, e.g. nats://shop:secret@nats:4222. */
function urlHasCredentials(url: string): boolean {
	return url.split(",").every(one => {
		try {
			const u = new URL(one.trim());
			return u.username !== "" || u.password !== "";
		} catch {
			return false; // a bare name such as "TCP" carries none
		}
	});
}

/**
 * Anyone who reaches an open transporter can join the cluster: call internal actions, forge
 * callers, serve a service under its name. In production a node refuses to start on one.
 */
function refuseUnauthenticatedTransporter(cfg: ShopConfig): void {
	if (!cfg.production || !cfg.transporter) return;
	const auth = cfg.transporterAuth;
	const isNats = /^nats:\/\//i.test(cfg.transporter) || cfg.transporter.toUpperCase() === "NATS";
	if (urlHasCredentials(cfg.transporter) || (isNats && (auth.user || auth.token))) return;
	throw new Error(
		`NODE_ENV=production refuses an unauthenticated transporter (TRANSPORTER=${cfg.transporter}): any process that reaches it ` +
			"could join the cluster, call internal actions and impersonate services. Give NATS credentials: NATS_USER with " +
			"NATS_PASSWORD or NATS_PASSWORD_FILE, or NATS_TOKEN or NATS_TOKEN_FILE (or user:password in the URL), and the same " +
			"to the NATS server.",
	);
}

export const config: ShopConfig = loadConfig();

// --- Inventory, shipping and payments. Read when called, so tests that change process.env see it. ---

/** RESERVATION_TTL_MS: how long a reservation holds its stock (default 15 minutes). */
export function inventoryConfig(): { reservationTtlMs: number } {
	return { reservationTtlMs: envInt("RESERVATION_TTL_MS", 15 * 60_000, 1) };
}

/** SHIPPING_SHIP_AFTER_MS (default 60 s) and SHIPPING_DELIVER_AFTER_MS (default 120 s after shipping). */
export function shippingConfig(): { shipAfterMs: number; deliverAfterMs: number } {
	return {
		shipAfterMs: envInt("SHIPPING_SHIP_AFTER_MS", 60_000),
		deliverAfterMs: envInt("SHIPPING_DELIVER_AFTER_MS", 120_000),
	};
}

/**
 * The simulated card processor's demo knobs: PAYMENTS_LATENCY_MS is added to every charge
 * (default 0); PAYMENTS_FAILURE_RATE is the share (0–1) of calls that fail as an outage, not a
 * decline (default 0).
 */
export function paymentsConfig(): { latencyMs: number; failureRate: number } {
	return {
		latencyMs: Math.round(envNumber("PAYMENTS_LATENCY_MS", 0, 0, 600_000)),
		failureRate: envNumber("PAYMENTS_FAILURE_RATE", 0, 0, 1),
	};
}
