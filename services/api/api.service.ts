// The gateway: the shop's one door from HTTP into the cluster (moleculer-web). It routes only
// the aliases in routes.ts, checks who is calling, and answers every error in one shape.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import ApiGateway, { type ApiSettingsSchema } from "moleculer-web";
import { call } from "../../lib/call";
import { currencyParam } from "../currency/currency.contract";
import { config } from "../../lib/config";
import { projectRoot, publicDir } from "../../lib/paths";
import { ForbiddenError, UnauthorizedError } from "../../lib/errors";
import { clientAddress, headerOf, rateLimitKey, rejectPrototypeKeys, saneRequestId } from "./request";
import { RETRY_AFTER_UNAVAILABLE, toPublicError } from "./errors";
import { buildOpenApi, type RoutedAction } from "./openapi";
import { jsonBody, bodyLimits } from "./body";
import { BODY_LIMIT_DEFAULT, bodyLimitOf, pictureRoute, routes, shopServices } from "./routes";
import { orderEventsHandler, OrderWatch } from "./order-events";
import { verifyToken } from "../../lib/tokens";
import { TokenVersions } from "./token-versions";
import { NodePings } from "./node-pings";
import { isRestarting, waitIfRestarting } from "../../middlewares/wait-for-restart.middleware";
import type { Product } from "../products/products.contract";
import type { AuthUser, ShopMeta } from "../../lib/meta";

type GatewayRequest = IncomingMessage & { $action?: { name?: string; auth?: string }; $ctx?: Context<unknown, ShopMeta> };

type RouteHandlerArgs = [unknown, unknown, unknown, unknown, { alias?: { action?: unknown } } | undefined];
const gatewayMethods = (ApiGateway as unknown as { methods: { routeHandler(...args: RouteHandlerArgs): Promise<unknown> } }).methods;

const startedAt = Date.now();
const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
const RATE_WINDOW_MS = 60_000;
const MAX_AUTHORIZATION_LENGTH = 2_048;
/** A node that does not answer a readiness ping within this counts as not answering (the probe does not wait for it). */
const READY_PING_TIMEOUT_MS = 1_000;
const DEBUG_LOGS = config.logLevel === "debug" || config.logLevel === "trace";

const ApiService: ServiceSchema<ApiSettingsSchema> = {
	name: "api",
	mixins: [ApiGateway as unknown as Partial<ServiceSchema>],

	settings: {
		port: config.port,
		ip: "0.0.0.0",
		// One line per request at info would cost more than the request itself under load.
		logRequest: "debug",
		logResponse: "debug",
		logRouteRegistration: "debug",
		logRequestParams: null,
		logResponseData: null,
		// A client's X-Request-Id becomes the request id in every log line: only a sane one.
		// (moleculer-web accepts a function here; its typings know only the object form.)
		rootCallOptions: saneRequestId as unknown as ApiSettingsSchema["rootCallOptions"],
		// A revoked token (signed out, role changed) is refused by every gateway within this time.
		tokenCheckMs: 30_000,
		// Never answer with a stack trace or internal detail; see errors.ts.
		onError(this: unknown, req: GatewayRequest, res: ServerResponse, err: Error) {
			const body = toPublicError(err);
			if (body.code >= 500 && body.code !== 503) {
				(this as { logger: { error(...a: unknown[]): void } }).logger.error("Unhandled error", { url: req.url, requestID: req.$ctx?.requestID }, err);
			}
			if (body.code === 503) res.setHeader("Retry-After", String(retryAfterOf(err, RETRY_AFTER_UNAVAILABLE)));
			if (body.code === 429) res.setHeader("Retry-After", String(retryAfterOf(err, Math.ceil(RATE_WINDOW_MS / 1000))));
			res.setHeader("Content-Type", "application/json; charset=utf-8");
			res.writeHead(body.code);
			res.end(JSON.stringify(body));
		},

		routes: [
			pictureRoute,
			// A stream, not a call: signed in as for any route, then order-events.ts checks the order is the caller's.
			{
				// Named: moleculer-web takes two unnamed routes on one path for the same route.
				name: "order-events",
				path: "/api",
				aliases: { "GET orders/:id/events": orderEventsHandler },
				mappingPolicy: "restrict",
				logging: DEBUG_LOGS,
				authentication: true,
				bodyParsers: false,
				cors: { origin: "*", methods: ["GET", "OPTIONS"], allowedHeaders: ["Authorization"], maxAge: 600 },
			},
			{
				name: "api",
				path: "/api",
				aliases: routes,
				mappingPolicy: "restrict",
				// moleculer-web builds each request's log lines (coloured) even when debug is off.
				logging: DEBUG_LOGS,
				authentication: true,
				authorization: true,
				// Our own JSON reader (body.ts), with a limit per route instead of one for all.
				bodyParsers: false,
				use: [jsonBody(bodyLimits(bodyLimitOf), BODY_LIMIT_DEFAULT)],
				cors: {
					origin: "*",
					methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
					allowedHeaders: ["Authorization", "Content-Type", "X-Cart-Id", "Idempotency-Key", "X-Request-Id"],
					exposedHeaders: ["X-Cart-Id", "Retry-After", "X-Request-Id", "X-Total-Count"],
					maxAge: 600,
				},
				// Keyed like the login throttle (an IPv4 address, an IPv6 /64: one machine may hold a
				// whole /64); a client cannot reset its count with X-Forwarded-For (only a proxy listed
				// in TRUSTED_PROXIES may say who its client is).
				rateLimit:
					config.rateLimit > 0 ? { window: RATE_WINDOW_MS, limit: config.rateLimit, headers: true, key: rateLimitKey } : undefined,
				// No retries of the gateway's own: an action says whether it may be repeated. Idempotent
				// reads retry once, on another instance, after a short attempt (lib/read-policy.ts); no
				// write is ever repeated on a client's behalf.
				onBeforeCall(ctx: Context<unknown, ShopMeta>, _route: unknown, req: IncomingMessage) {
					rejectPrototypeKeys(req);
					ctx.meta.clientIp = clientAddress(req);
					ctx.meta.cartId = headerOf(req, "x-cart-id");
					ctx.meta.idempotencyKey = headerOf(req, "idempotency-key");
				},
				// Tokens revoked through this gateway are refused here at once; elsewhere within tokenCheckMs.
				onAfterCall(this: { tokenVersions: TokenVersions }, ctx: Context<unknown, ShopMeta>, _route: unknown, req: GatewayRequest, _res: unknown, data: unknown) {
					const action = req.$action?.name;
					if (action === "users.logout" && ctx.meta.user) this.tokenVersions.forget(ctx.meta.user.id);
					if (action === "users.setRole") this.tokenVersions.forget(String((req as { $params?: { id?: unknown } }).$params?.id));
					return data;
				},
			},
		],

		assets: { folder: publicDir, options: { maxAge: "1h" } }, // The pages and the seeded pictures (pictureRoute: the drawn ones).
	},

	actions: {
		/**
		 * moleculer-web's entry for every HTTP request (never repeated). The action each request reaches has its own timeout,
		 * retries, bulkhead and circuit breaker; another set around the whole request would only cost time (a third of a cached read's).
		 */
		rest: {
			timeout: 0,
			retryPolicy: { enabled: false },
			bulkhead: { enabled: false },
			circuitBreaker: { enabled: false },
		},

		/** Liveness: as long as this process answers. */
		health: {
			auth: "public",
			params: { $$strict: true },
			handler(): { status: "ok"; nodeID: string; uptime: number } {
				return { status: "ok", nodeID: this.broker.nodeID, uptime: Math.round((Date.now() - startedAt) / 1000) };
			},
		},

		/**
		 * Readiness: every shop service is discovered and one of its nodes answered a ping lately
		 * (node-pings.ts: a probe never waits long on a node that does not answer). A gateway that
		 * is stopping is not ready, from the first moment: it drains (middlewares/gateway-drain).
		 */
		ready: {
			auth: "public",
			params: { $$strict: true },
			async handler(ctx: Context<unknown, ShopMeta>) {
				const services = await this.serviceStatus();
				const stopping = !(this.broker as ServiceBroker & { started: boolean }).started;
				const ready = !stopping && Object.values(services).every(s => s === "up");
				if (!ready) ctx.meta.$statusCode = 503;
				return { status: ready ? "ready" : "not ready", services, ...(stopping ? { stopping: true } : {}) };
			},
		},

		/** Nodes, the services on each, and the circuit-breaker state of every endpoint this gateway calls. */
		cluster: {
			auth: "admin",
			params: { $$strict: true },
			handler() {
				return this.clusterView();
			},
		},

		/** The OpenAPI document of every route, from the running actions' own schemas. */
		openapi: {
			auth: "public",
			params: { $$strict: true },
			handler() {
				const list = this.broker.registry.getActionList({ skipInternal: true, withEndpoints: false }) as unknown as { name: string; action?: RoutedAction }[];
				return buildOpenApi(routes, new Map(list.map(a => [a.name, a.action ?? {}])), version);
			},
		},

		/** Recommendations are optional: when that service is down the product page still gets `[]`. */
		recommendations: {
			auth: "public",
			params: { $$strict: true, id: "string|min:1|max:64", currency: currencyParam },
			async handler(ctx: Context<{ id: string; currency?: string }, ShopMeta>): Promise<Product[]> {
				// Optional: one short try, no retry; the page shows without them.
				return call(ctx, "recommendations.forProduct", ctx.params, { timeout: 1_000, retries: 0, ifDown: { fallback: [] as Product[] } });
			},
		},
	},

	events: {
		/** Live order pages (order-events.ts) follow every change. */
		"order.statusChanged"(ctx: Context<{ orderId: string }>) {
			this.orderWatch.emit(ctx.params.orderId);
		},
	},

	created() {
		this.orderWatch = new OrderWatch();
		this.nodePings = new NodePings(
			async nodeID => (await this.broker.ping(nodeID, READY_PING_TIMEOUT_MS)) != null,
			{ refreshMs: 1_000, freshMs: 3_000, waitMs: 150 },
		);
		this.tokenVersions = new TokenVersions(async id => {
			const answer = await call(this.broker, "users.tokenVersion", { id }, { timeout: 1_000, ifDown: { fallback: undefined } });
			return answer?.version;
		}, this.settings.tokenCheckMs);
	},

	methods: {
		/** A service restarting in a rolling deploy is waited for (a few seconds) before moleculer-web looks for it; no await when none is. */
		routeHandler(this: { broker: ServiceBroker }, ...args: RouteHandlerArgs) {
			const action = args[4]?.alias?.action;
			const route = () => gatewayMethods.routeHandler.apply(this, args);
			return typeof action === "string" && isRestarting(this.broker, action) ? waitIfRestarting(this.broker, action).then(route) : route();
		},

		/** Token → ctx.meta.user. No token is an anonymous call; a bad one is always a 401. */
		async authenticate(_ctx: Context, _route: unknown, req: IncomingMessage): Promise<AuthUser | null> {
			const header = req.headers.authorization;
			if (!header) return null;
			// Bounded before the pattern; no token of ours comes near this length.
			if (header.length > MAX_AUTHORIZATION_LENGTH) throw new UnauthorizedError("Invalid or expired token", "INVALID_TOKEN");
			const match = /^Bearer ([A-Za-z0-9_\-.]+)$/i.exec(header);
			if (!match) throw new UnauthorizedError("Authorization header must be 'Bearer <token>'", "INVALID_TOKEN");
			const token = verifyToken(match[1]);
			if (!token) throw new UnauthorizedError("Invalid or expired token", "INVALID_TOKEN");
			const verdict = await this.tokenVersions.check(token.id, token.tokenVersion);
			if (verdict === "revoked") throw new UnauthorizedError("This token is no longer valid; sign in again", "INVALID_TOKEN");
			return { id: token.id, email: token.email, role: token.role };
		},

		/** Each action says who may call it; one that does not say is refused, so nothing is exposed by accident. */
		authorize(ctx: Context<unknown, ShopMeta>, _route: unknown, req: GatewayRequest) {
			const action = req.$action;
			const auth = action?.auth;
			if (auth === "public") return;
			if (auth === "user" || auth === "admin") {
				if (!ctx.meta.user) throw new UnauthorizedError();
				if (auth === "admin" && ctx.meta.user.role !== "admin") throw new ForbiddenError("Admins only");
				return;
			}
			this.logger.error(`Action '${action?.name}' is routed but declares no 'auth'; refusing it.`);
			throw new ForbiddenError();
		},

		async serviceStatus(): Promise<Record<string, "up" | "down">> {
			const nodesOf = new Map<string, string[]>();
			for (const svc of this.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true }) as { name: string; nodeID: string }[]) {
				nodesOf.set(svc.name, [...(nodesOf.get(svc.name) ?? []), svc.nodeID]);
			}
			const remote = new Set([...nodesOf.values()].flat().filter(id => id !== this.broker.nodeID));
			this.nodePings.keepOnly(remote);
			const answered = await this.nodePings.answering(remote);
			const answering = (nodeID: string) => nodeID === this.broker.nodeID || answered.has(nodeID);
			return Object.fromEntries(shopServices.map(name => [name, (nodesOf.get(name) ?? []).some(answering) ? "up" : "down"]));
		},

		clusterView() {
			const nodes = (this.broker.registry.getNodeList({ onlyAvailable: false, withServices: true }) as unknown as NodeInfo[]).map(n => ({
				id: n.id,
				available: n.available,
				local: n.local,
				hostname: n.hostname,
				services: (n.services ?? []).map(s => s.name).filter(name => !name.startsWith("$")),
			}));
			const endpoints = (this.broker.registry.getActionList({ withEndpoints: true, skipInternal: true }) as ActionInfo[]).flatMap(a =>
				(a.endpoints ?? []).map(ep => ({ action: a.name, nodeID: ep.nodeID, circuit: ep.state ? "closed" : "open", available: ep.available })),
			);
			return { nodeID: this.broker.nodeID, namespace: this.broker.namespace, nodes, endpoints };
		},
	},
};

interface NodeInfo {
	id: string;
	available: boolean;
	local: boolean;
	hostname: string;
	services?: { name: string }[];
}
interface ActionInfo {
	name: string;
	endpoints?: { nodeID: string; state: boolean; available: boolean }[];
}

/** The seconds the error asks the client to wait (a throttle, a full queue), or `otherwise`. */
function retryAfterOf(err: unknown, otherwise: number): number {
	const seconds = (err as { data?: { retryAfter?: number } }).data?.retryAfter;
	return typeof seconds === "number" && seconds > 0 ? Math.ceil(seconds) : otherwise;
}

export default ApiService;
