// One trace per checkout, from the gateway through every service it reaches, delivered to a
// Zipkin-format collector (the one Jaeger and Zipkin both accept: POST /api/v2/spans); and no span
// of a sign-up or a checkout carries a password, a card number, a cvc or a token.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker } from "moleculer";
import { loadConfig } from "../../lib/config";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { tracingOptions } from "../../lib/tracing";
import { gatewayUrl, startBroker } from "../support/broker";
import { http as client } from "../support/http";
import { waitFor } from "../support/poll";
import { everyService } from "../support/shop";

interface ZipkinSpan {
	traceId: string;
	name: string;
	localEndpoint: { serviceName: string | null };
	tags: Record<string, string>;
}

const PASSWORD = "correct horse battery staple 7";
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "987" };
const ADDRESS = { name: "Tess Tracer", street: "1 Span St", city: "Traceville", postalCode: "12345", country: "US" };

describe("tracing", () => {
	const spans: ZipkinSpan[] = [];
	const bodies: string[] = [];
	let collector: http.Server;
	let broker: ServiceBroker;
	let api: string;

	beforeAll(async () => {
		collector = http.createServer((req, res) => {
			let body = "";
			req.on("data", chunk => (body += chunk));
			req.on("end", () => {
				if (req.method === "POST" && req.url === "/api/v2/spans") {
					bodies.push(body);
					spans.push(...(JSON.parse(body) as ZipkinSpan[]));
				}
				res.writeHead(202).end();
			});
		});
		await new Promise<void>(resolve => collector.listen(0, "127.0.0.1", resolve));
		const zipkinUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
		const config = { ...loadConfig(), tracingExporter: "zipkin" as const, zipkinUrl };
		broker = await startBroker(everyService(), { tracing: tracingOptions(config) });
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(async () => {
		await broker.stop();
		await new Promise(resolve => collector.close(resolve));
	});

	it("turns on only with TRACING_EXPORTER, and sends to ZIPKIN_URL", () => {
		expect(tracingOptions({ ...loadConfig(), tracingExporter: "none" })).toMatchObject({ enabled: false });
		expect(tracingOptions({ ...loadConfig(), tracingExporter: "zipkin", zipkinUrl: "http://jaeger:9411" })).toMatchObject({
			enabled: true,
			exporter: [{ type: "Zipkin", options: { baseURL: "http://jaeger:9411" } }],
		});
	});

	it("follows a sign-up and a checkout across the services in one trace, tagged with the order id, with no secret in any span", async () => {
		const email = `tess-${Date.now()}@example.com`;
		const registered = await client.post(`${api}/auth/register`, { email, password: PASSWORD, name: "Tess" });
		expect(registered.status).toBe(201);
		const token: string = registered.body.token;
		const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;
		expect((await client.post(`${api}/cart/items`, { productId: product.id, quantity: 1 }, { token })).status).toBe(200);
		const order = await client.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token });
		expect(order.status).toBe(201);

		const checkoutTrace = () => spans.find(s => s.localEndpoint.serviceName === "orders" && s.name.includes("orders.checkout"))?.traceId;
		const traceId = await waitFor(checkoutTrace, id => id !== undefined, { timeoutMs: 10_000, what: "the checkout's span at the collector" });
		const inTrace = () => spans.filter(s => s.traceId === traceId);
		const services = await waitFor(
			() => new Set(inTrace().map(s => s.localEndpoint.serviceName)),
			found => ["api", "orders", "inventory", "payments", "shipping"].every(s => found.has(s)),
			{ timeoutMs: 10_000, what: "spans of five services in the checkout's trace" },
		);
		expect(services.size).toBeGreaterThanOrEqual(5);
		expect(inTrace().some(s => Object.values(s.tags).includes(order.body.id))).toBe(true);

		const everything = bodies.join("\n");
		for (const secret of [PASSWORD, CARD.cardNumber, `"${CARD.cvc}"`, token, "cvc", "password", "authorization"]) expect(everything).not.toContain(secret);
	});
});
