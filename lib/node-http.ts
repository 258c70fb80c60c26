// Every node's own small HTTP server, on METRICS_PORT: Prometheus metrics and the health
// endpoints orchestrators probe (GET /health/live, GET /health/ready).
//
// It is an optional part, so it never kills a node: several nodes on one host all ask for the
// same default port; each one after the first takes the next free port and says so in its log,
// and a node that finds none runs on without metrics or health endpoints.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MetricReporters, type Logger, type MetricRegistry, type ServiceBroker } from "moleculer";
import { readiness } from "./node-health";

/** How many ports from the configured one a node tries before it runs on without this server. */
export const PORT_ATTEMPTS = 20;

/**
 * Moleculer's Prometheus reporter without its own HTTP server (whose failure to listen is an
 * unhandled 'error' event that ends the process): it only renders the metrics, we serve them.
 */
export class PrometheusText extends MetricReporters.Prometheus {
	override init(registry: MetricRegistry): void {
		MetricReporters.Base.prototype.init.call(this, registry);
		const self = this as unknown as { opts: { defaultLabels: unknown }; defaultLabels: unknown };
		const labels = self.opts.defaultLabels;
		self.defaultLabels = typeof labels === "function" ? labels.call(this, registry) : labels;
	}

	override stop(): Promise<void> {
		return Promise.resolve();
	}
}
// (The typings take an instance; Moleculer's resolver wants the class, as for its own reporters.)
MetricReporters.register("PrometheusText", PrometheusText as unknown as InstanceType<typeof PrometheusText>);

function prometheusText(broker: ServiceBroker): string | null {
	const reporters = (broker.metrics as unknown as { reporter?: unknown[] }).reporter ?? [];
	const reporter = reporters.find(r => r instanceof PrometheusText) as PrometheusText | undefined;
	return reporter ? reporter.generatePrometheusResponse() : null;
}

function send(res: http.ServerResponse, status: number, body: string, type = "application/json; charset=utf-8"): void {
	res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
	res.end(body);
}

export function createNodeHttpServer(broker: ServiceBroker): http.Server {
	return http.createServer((req, res) => {
		const url = (req.url ?? "/").split("?")[0];
		if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, JSON.stringify({ error: "Method not allowed" }));
		if (url === "/health/live") return send(res, 200, JSON.stringify({ status: "live", nodeID: broker.nodeID }));
		if (url === "/health/ready") {
			readiness(broker).then(
				r => send(res, r.ready ? 200 : 503, JSON.stringify({ status: r.ready ? "ready" : "not ready", nodeID: broker.nodeID, checks: r.checks })),
				(err: Error) => send(res, 503, JSON.stringify({ status: "not ready", nodeID: broker.nodeID, error: err.message })),
			);
			return;
		}
		if (url === "/metrics") {
			const text = prometheusText(broker);
			return text === null ? send(res, 404, JSON.stringify({ error: "Metrics are off" })) : send(res, 200, text, "text/plain; version=0.0.4; charset=utf-8");
		}
		send(res, 404, JSON.stringify({ error: "Not found" }));
	});
}

function listenOnce(server: http.Server, port: number, host: string): Promise<NodeJS.ErrnoException | null> {
	return new Promise(resolve => {
		const onError = (err: NodeJS.ErrnoException) => {
			server.off("listening", onListening);
			resolve(err);
		};
		const onListening = () => {
			server.off("error", onError);
			resolve(null);
		};
		server.once("error", onError);
		server.once("listening", onListening);
		server.listen(port, host);
	});
}

/**
 * Listens on `port`, else on the next free one of PORT_ATTEMPTS, and returns the port taken;
 * null (after a warning) when none could be had. Never throws: the node runs on either way.
 */
export async function listenFrom(server: http.Server, port: number, host: string, logger: Logger): Promise<number | null> {
	for (let candidate = port; candidate < port + PORT_ATTEMPTS && candidate <= 65_535; candidate++) {
		const err = await listenOnce(server, candidate, host);
		if (!err) {
			const taken = (server.address() as AddressInfo).port;
			if (taken === port) logger.info(`Metrics and health on http://${host}:${taken} (/metrics, /health/live, /health/ready).`);
			else logger.warn(`Port ${port} is in use: metrics and health on http://${host}:${taken} instead (/metrics, /health/live, /health/ready).`);
			return taken;
		}
		if (err.code !== "EADDRINUSE") {
			logger.warn(`Cannot listen on port ${candidate} (${err.code ?? err.message}): this node runs on without metrics and health endpoints.`);
			return null;
		}
	}
	logger.warn(`Ports ${port}–${port + PORT_ATTEMPTS - 1} are all in use: this node runs on without metrics and health endpoints.`);
	return null;
}
