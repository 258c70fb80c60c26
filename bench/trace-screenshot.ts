// The README's checkout trace: starts the whole shop as one node (as `npm start` does) with
// TRACING_EXPORTER=zipkin and ZIPKIN_URL pointing at a tiny Zipkin-format collector run here
// (POST /api/v2/spans, the endpoint Jaeger and Zipkin both accept), places one real checkout
// through the gateway, draws that trace's spans as a waterfall (trace-waterfall.ts: our rendering,
// not Jaeger's) and photographs it with the system's Chromium into docs/images/checkout-trace.png.
// Prints how many spans and services the trace had.
//   npm run build && npx node dist/bench/trace-screenshot.js
// CHROMIUM_PATH chooses the browser (never downloaded); TRACE_PNG the picture's path.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";
import { projectRoot } from "../lib/paths";
import { SEED_PRODUCTS } from "../lib/seed-catalog/seed";
import { startShop } from "./support";
import { waterfallHtml, type ZipkinSpan } from "./trace-waterfall";

const OUT = process.env.TRACE_PNG ?? path.join(projectRoot, "docs/images/checkout-trace.png");
const BROWSERS = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
/** The services a checkout reaches (its outbox's notification and cart clean-up come a moment later). */
const EXPECTED = ["api", "orders", "inventory", "payments", "shipping", "notifications", "cart"];

/** The collector: every span POSTed to /api/v2/spans, kept in memory. */
async function collector(): Promise<{ url: string; spans: ZipkinSpan[]; close(): Promise<void> }> {
	const spans: ZipkinSpan[] = [];
	const server = http.createServer((req, res) => {
		let body = "";
		req.on("data", chunk => (body += chunk));
		req.on("end", () => {
			if (req.method === "POST" && req.url === "/api/v2/spans") spans.push(...(JSON.parse(body) as ZipkinSpan[]));
			res.writeHead(202).end();
		});
	});
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise(resolve => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

async function until<T>(probe: () => T, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (accept(value)) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

async function api(base: string, method: string, url: string, body?: unknown, token?: string): Promise<any> {
	const res = await fetch(`${base}/api${url}`, {
		method,
		headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const answer: any = await res.json();
	if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${answer?.message}`);
	return answer;
}

async function main(): Promise<void> {
	const zipkin = await collector();
	const shop = await startShop({ port: await freePort(), env: { TRACING_EXPORTER: "zipkin", ZIPKIN_URL: zipkin.url, LOG_LEVEL: "error" } });
	try {
		const { token } = await api(shop.url, "POST", "/auth/register", { email: `tracer-${Date.now()}@example.com`, password: "a trace for the readme", name: "Tess Tracer" });
		const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;
		await api(shop.url, "POST", "/cart/items", { productId: product.id, quantity: 2 }, token);
		const order = await api(
			shop.url,
			"POST",
			"/checkout",
			{
				shippingAddress: { name: "Tess Tracer", street: "1 Span Street", city: "Traceville", postalCode: "12345", country: "US" },
				payment: { cardNumber: "4242424242424242", expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: "123" },
			},
			token,
		);

		// The gateway's span of POST /api/checkout holds the trace; the exporter sends every second.
		const traceId = (
			await until(
				() => zipkin.spans.find(s => s.name.includes("orders.checkout")),
				s => s !== undefined,
				15_000,
				"the checkout's span",
			)
		)!.traceId;
		const inTrace = () => zipkin.spans.filter(s => s.traceId === traceId);
		const services = () => new Set(inTrace().map(s => s.localEndpoint.serviceName));
		await until(services, found => EXPECTED.every(s => found.has(s)), 15_000, `spans from ${EXPECTED.join(", ")}`).catch(err => console.warn(String(err)));
		// Then until no span of it has come for 2.5 s (the exporter sends every second): the trace is whole.
		let count = -1;
		let changedAt = Date.now();
		await until(
			() => {
				if (inTrace().length !== count) [count, changedAt] = [inTrace().length, Date.now()];
				return Date.now() - changedAt;
			},
			quietMs => quietMs >= 2_500,
			30_000,
			"the trace to be complete",
		);
		const spans = inTrace();
		const names = [...services()].filter((s): s is string => s !== null).sort();

		const html = waterfallHtml(spans, {
			title: `One checkout, traced: order ${order.id}`,
			note:
				`Trace ${traceId}: ${spans.length} spans from ${names.length} services (${names.join(", ")}), as Moleculer's Zipkin exporter sent them ` +
				`(TRACING_EXPORTER=zipkin) to a Zipkin-format collector. Drawn by bench/trace-screenshot.ts from those spans; Jaeger or Zipkin show the same spans in their own UI. ` +
				`Tags are only the safe fields the shop allows (lib/tracing.ts): ids, counts, statuses; never a card number, cvc, password or token.`,
		});
		const executablePath = BROWSERS.find(file => file && fs.existsSync(file));
		if (!executablePath) throw new Error("No Chromium found: set CHROMIUM_PATH (the script never downloads a browser).");
		const browser = await chromium.launch({ executablePath, headless: true, chromiumSandbox: false, args: ["--disable-gpu", "--no-first-run"] });
		try {
			const page = await browser.newPage({ viewport: { width: 1600, height: 600 }, deviceScaleFactor: 1 });
			await page.setContent(html);
			fs.mkdirSync(path.dirname(OUT), { recursive: true });
			await page.screenshot({ path: OUT, fullPage: true });
		} finally {
			await browser.close();
		}
		console.log(`Checkout trace ${traceId} (order ${order.id}): ${spans.length} spans from ${names.length} services: ${names.join(", ")}.`);
		console.log(`Waterfall: ${path.relative(process.cwd(), OUT)}`);
	} finally {
		await shop.stop();
		await zipkin.close();
		fs.rmSync(shop.dataDir, { recursive: true, force: true });
	}
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
