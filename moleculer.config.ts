// Broker options for every node of the shop, one process or many. Values come from lib/config.ts.
import type { BrokerOptions, Errors, Strategies } from "moleculer";
import { config } from "./lib/config";
import { replOptions } from "./lib/repl-commands";
import { RetryElsewhereStrategy } from "./lib/retry-elsewhere.strategy";
import { jsonLine, RequestContextMiddleware } from "./lib/request-context";
import { tracingOptions } from "./lib/tracing";
import { FaultInjectionMiddleware } from "./middlewares/fault-injection.middleware";
import { cacherOption } from "./lib/cacher";
import { transporterOption } from "./lib/transporter";
import { InfoIsHeartbeatMiddleware } from "./middlewares/info-is-heartbeat.middleware";
import { NewInstanceIsNewNodeMiddleware } from "./middlewares/new-instance-is-new-node.middleware";
import { WaitForRestartMiddleware } from "./middlewares/wait-for-restart.middleware";
import { NodeHttpMiddleware } from "./middlewares/node-http.middleware";
import { RemoteGuardMiddleware } from "./middlewares/remote-guard.middleware";
import { GatewayDrainMiddleware } from "./middlewares/gateway-drain.middleware";
import { SettledMetricRatesMiddleware } from "./middlewares/settled-metric-rates.middleware";
import { useLeanRequestMetrics } from "./middlewares/lean-request-metrics.middleware";
// Registers the "PrometheusText" reporter: metrics rendered by Moleculer, served by our node server.
import "./lib/node-http";
import { useLeanMetricTypes } from "./lib/lean-metric-types";
import { useBatchedNatsWrites } from "./lib/nats-batched-writes";

// Moleculer's counters, gauges and histograms, with the same figures at a fraction of the cost per
// update (every action call makes 5 to 12 of them), and its Metrics middleware with each action's
// labels made once: registered under Moleculer's own names before any broker is made.
useLeanMetricTypes();
useLeanRequestMetrics();
// NATS writes what a node publishes once per turn of the event loop (lib/nats-batched-writes.ts).
useBatchedNatsWrites();

// A caller-side failure (bad input, not found, declined card) says nothing about the health of
// the service that answered it; only timeouts, lost nodes and server errors may open a circuit.
// A ServiceDownError (type SERVICE_UNAVAILABLE) is an honest answer from a healthy service whose
// own dependency is down: opening the circuit to it would block the requests it can still serve.
function isServiceFailure(err: Error): boolean {
	const e = err as Errors.MoleculerError;
	if (e.type === "SERVICE_UNAVAILABLE") return false;
	return !e.code || e.code >= 500;
}

const brokerConfig: BrokerOptions = {
	namespace: config.namespace,
	nodeID: config.nodeID ?? undefined,

	// LOG_FORMAT=json: one JSON object a line, each with the request id and trace id of the request
	// it belongs to (lib/request-context.ts), for a log collector to join across services.
	logger: {
		type: "Console",
		options: config.logFormat === "json" ? { level: config.logLevel, colors: false, formatter: jsonLine } : { level: config.logLevel, colors: !config.production, moduleColors: false, formatter: "short" },
	},
	logLevel: config.logLevel as BrokerOptions["logLevel"],

	// NATS with this node's credentials and TLS when configured (lib/transporter.ts); in
	// production lib/config.ts has already refused a transporter without credentials.
	transporter: transporterOption(config),

	// A killed node stops sending heartbeats; once the registry notices, its services leave and
	// callers get an immediate "not available" instead of waiting on a dead peer. Moleculer checks
	// every heartbeatTimeout seconds for nodes silent longer than that, so a death is noticed
	// 4 to 9 s after it: inside the 10 s the shop promises, for one small packet a second.
	// (Until then each call to the dead node ends at its timeout. The circuit breaker does not
	// shorten that window: Moleculer's Timeout middleware wraps it, so timeouts never reach it.)
	heartbeatInterval: 1,
	heartbeatTimeout: 4,

	// At most CACHE_MAX answers in memory (least recently used leave first), or Redis (lib/cacher.ts).
	cacher: cacherOption(config),

	// Every call gives up after 3 s unless its action asks for more (checkout does): a shopper
	// waits seconds for a 503, never for a dead service.
	requestTimeout: 3_000,

	// Retried only where repeating is harmless: `retries` is 0 here, and actions that are
	// idempotent (reads, keyed reservations and charges) raise it in their own `retryPolicy`.
	retryPolicy: {
		enabled: true,
		retries: 0,
		delay: 100,
		maxDelay: 1_000,
		factor: 2,
		check: (err: Error) => Boolean((err as Errors.MoleculerError).retryable),
	},

	// Half of at least 5 calls failing within 10 s opens the circuit to that endpoint; after 5 s
	// one trial call may close it again. Short windows let a restarted service back in quickly.
	circuitBreaker: {
		enabled: true,
		threshold: 0.5,
		minRequestCount: 5,
		windowTime: 10,
		halfOpenTime: 5_000,
		check: isServiceFailure,
	},

	// At most 64 handlers of one action run at once on a node and 1,000 wait: a burst queues
	// instead of exhausting memory, and a flood past that fails fast with a QueueIsFullError.
	bulkhead: { enabled: true, concurrency: 64, maxQueueSize: 1_000 },

	// On stop, a node finishes what it is doing (up to 10 s) before it leaves: no checkout is cut in half.
	tracking: { enabled: true, shutdownTimeout: 10_000 },

	// Round robin, except that a retried call goes to another instance than the one that failed it.
	registry: { strategy: RetryElsewhereStrategy as unknown as typeof Strategies.RoundRobin, preferLocal: true },

	validator: true,

	// `faults` and `fault <target> --errorRate 0.5 …` in `npm run repl`: see lib/repl-commands.ts.
	replOptions,

	// Metrics and the health endpoints share one small server per node (middlewares/node-http):
	// a port already taken is a warning, never a dead node. The registry itself is always on: ops
	// reads every node's request rates, latencies and circuit states from it (GET /api/ops/metrics).
	metrics: {
		enabled: true,
		reporter: config.metricsPort > 0 ? [{ type: "PrometheusText" as "Prometheus" }] : [],
	},

	// Off by default; TRACING_EXPORTER=console|zipkin turns it on, with secret-free tags (lib/tracing.ts).
	tracing: tracingOptions(),

	// RemoteGuard: in production no other node may call the gateway's route-changing actions or $node.*
	// (but $node.metrics, numbers only, which ops gathers). Fault rules (off by default) act just before
	// the handler, inside Moleculer's own metrics. Factories given as functions are made once per broker.
	middlewares: [
		InfoIsHeartbeatMiddleware,
		NewInstanceIsNewNodeMiddleware,
		// A call to a service whose node left gracefully a moment ago (a rolling deploy) waits up to 5 s for it.
		WaitForRestartMiddleware({ waitMs: 5_000, rememberMs: 30_000 }),
		NodeHttpMiddleware({ port: config.metricsPort }),
		// A stopping gateway serves SHUTDOWN_DRAIN_MS more (readiness 503 already) before its port closes.
		GatewayDrainMiddleware({ drainMs: config.shutdownDrainMs }),
		RemoteGuardMiddleware({ enabled: config.production }),
		FaultInjectionMiddleware,
		// Only JSON log lines carry the request's ids; with any other format the AsyncLocalStorage
		// would cost every request (a hook on every promise) for nothing.
		config.logFormat === "json" ? RequestContextMiddleware : null,
		// Rates of metrics given their final shape before any traffic (see the middleware).
		SettledMetricRatesMiddleware,
	] as unknown as BrokerOptions["middlewares"],
};

export = brokerConfig;
