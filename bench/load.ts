// A load generator with the weights of Online Boutique's shoppers: browse 10, view a product 6,
// view the cart 3, change currency 2, add to cart 2, check out 1, with think time between tasks.
//
//   npm run load -- --url http://127.0.0.1:3000 --users 50 --duration 60
//
// Prints a live progress line, then per route: count, p50/p95/p99 and errors. Exits non-zero on
// any 5xx or unexpected 4xx. Every loop is bounded by --duration; run it against your own shop.
// Each shopper signs up once (at its first checkout), so the target should run with
// SIGNUP_LIMIT=0 and RATE_LIMIT=0, or see 429s (reported as unexpected).
import crypto from "node:crypto";

export interface LoadOptions {
	url: string;
	users: number;
	durationS: number;
	/** Mean think time between a shopper's tasks (uniform from half to one and a half times it). */
	thinkMs: number;
	/** Called about once a second with a progress line; `null` prints nothing. */
	progress?: ((line: string) => void) | null;
	/** Ends the run early when it answers true (a scripted restart is done). */
	stop?: () => boolean;
}

export interface RouteStats {
	route: string;
	count: number;
	errors: number;
	p50: number;
	p95: number;
	p99: number;
}

export interface LoadReport {
	routes: RouteStats[];
	requests: number;
	unexpected: string[];
	seconds: number;
}

/** Answers a route may give that are a shopper's ordinary life, not a fault. */
const EXPECTED_4XX: Record<string, number[]> = {
	"POST /api/cart/items": [409],
	"POST /api/checkout": [402, 409, 422],
};

const ADDRESS = { name: "Load Shopper", street: "1 Load St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };

type Task = (s: Shopper) => Promise<void>;
const TASKS: [Task, number][] = [
	[s => s.browse(), 10],
	[s => s.viewProduct(), 6],
	[s => s.viewCart(), 3],
	[s => s.changeCurrency(), 2],
	[s => s.addToCart(), 2],
	[s => s.checkout(), 1],
];
const TOTAL_WEIGHT = TASKS.reduce((sum, [, w]) => sum + w, 0);

function pickTask(): Task {
	let r = Math.random() * TOTAL_WEIGHT;
	for (const [task, weight] of TASKS) if ((r -= weight) < 0) return task;
	return TASKS[0][0];
}

class Recorder {
	readonly times = new Map<string, number[]>();
	readonly errors = new Map<string, number>();
	readonly unexpected: string[] = [];

	record(route: string, ms: number, status: number, why = ""): void {
		(this.times.get(route) ?? this.times.set(route, []).get(route)!).push(ms);
		const fault = status === 0 || status >= 500 || (status >= 400 && !(EXPECTED_4XX[route] ?? []).includes(status));
		if (fault) {
			this.errors.set(route, (this.errors.get(route) ?? 0) + 1);
			if (this.unexpected.length < 20) this.unexpected.push(`${route} → ${status || "no answer"}${why ? ` ${why}` : ""}`);
		}
	}

	get count(): number {
		return [...this.times.values()].reduce((sum, t) => sum + t.length, 0);
	}

	get errorCount(): number {
		return [...this.errors.values()].reduce((sum, n) => sum + n, 0);
	}

	stats(): RouteStats[] {
		return [...this.times.entries()]
			.map(([route, times]) => {
				const sorted = times.slice().sort((a, b) => a - b);
				const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 10) / 10;
				return { route, count: sorted.length, errors: this.errors.get(route) ?? 0, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
			})
			.sort((a, b) => a.route.localeCompare(b.route));
	}
}

class Shopper {
	private token: string | null = null;
	private cartId: string | null = null;
	private currency = "USD";
	private productIds: string[] = [];

	constructor(
		private readonly base: string,
		private readonly recorder: Recorder,
	) {}

	private async send(method: string, path: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
		const headers: Record<string, string> = { "content-type": "application/json" };
		if (this.token) headers.authorization = `Bearer ${this.token}`;
		else if (this.cartId) headers["x-cart-id"] = this.cartId;
		const started = performance.now();
		let status = 0;
		let json: unknown = null;
		try {
			const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
			status = res.status;
			const cart = res.headers.get("x-cart-id");
			if (cart && !this.token) this.cartId = cart;
			json = await res.json().catch(() => null);
		} finally {
			const body = json as { type?: string; message?: string } | null;
			this.recorder.record(route, performance.now() - started, status, status >= 400 && body?.type ? `${body.type}: ${body.message ?? ""}` : "");
		}
		return { status, json };
	}

	private someProduct(): string | undefined {
		return this.productIds[Math.floor(Math.random() * this.productIds.length)];
	}

	async browse(): Promise<void> {
		const page = 1 + Math.floor(Math.random() * 3);
		const { json } = await this.send("GET", `/api/products?page=${page}&pageSize=12&currency=${this.currency}`, "GET /api/products");
		const rows = (json as { rows?: { id: string }[] } | null)?.rows ?? [];
		if (rows.length) this.productIds = rows.map(r => r.id);
	}

	async viewProduct(): Promise<void> {
		const id = this.someProduct();
		if (!id) return this.browse();
		await this.send("GET", `/api/products/${id}?currency=${this.currency}`, "GET /api/products/:id");
		await this.send("GET", `/api/products/${id}/recommendations?currency=${this.currency}`, "GET /api/products/:id/recommendations");
	}

	async viewCart(): Promise<void> {
		await this.send("GET", `/api/cart?currency=${this.currency}`, "GET /api/cart");
	}

	async changeCurrency(): Promise<void> {
		this.currency = this.currency === "USD" ? "EUR" : "USD";
		await this.send("GET", "/api/currencies", "GET /api/currencies");
		await this.browse();
	}

	async addToCart(): Promise<void> {
		const id = this.someProduct();
		if (!id) return this.browse();
		await this.send("POST", "/api/cart/items", "POST /api/cart/items", { productId: id, quantity: 1 });
	}

	async checkout(): Promise<void> {
		if (!this.token) {
			const email = `load-${crypto.randomBytes(6).toString("hex")}@example.com`;
			const { status, json } = await this.send("POST", "/api/auth/register", "POST /api/auth/register", { email, password: "load-test-password-1", name: "Load Shopper" });
			if (status !== 201) return;
			this.token = (json as { token: string }).token;
		}
		await this.addToCart();
		await this.send("POST", "/api/checkout", "POST /api/checkout", { shippingAddress: ADDRESS, payment: CARD });
	}
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
	const recorder = new Recorder();
	const started = Date.now();
	const endAt = started + opts.durationS * 1_000;
	const think = () => opts.thinkMs * (0.5 + Math.random());
	const progress =
		opts.progress === null
			? null
			: setInterval(() => {
					const s = (Date.now() - started) / 1000;
					(opts.progress ?? (line => process.stderr.write(`\r${line}`)))(`${s.toFixed(0)} s  ${recorder.count} requests  ${(recorder.count / s).toFixed(1)}/s  ${recorder.errorCount} errors   `);
				}, 1_000);
	const shopper = async () => {
		const s = new Shopper(opts.url.replace(/\/$/, ""), recorder);
		await s.browse();
		while (Date.now() < endAt && !opts.stop?.()) {
			await pickTask()(s);
			const wait = Math.min(think(), endAt - Date.now());
			if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
		}
	};
	try {
		await Promise.all(Array.from({ length: opts.users }, shopper));
	} finally {
		if (progress) clearInterval(progress);
	}
	return { routes: recorder.stats(), requests: recorder.count, unexpected: recorder.unexpected, seconds: (Date.now() - started) / 1000 };
}

export function formatReport(report: LoadReport): string {
	const head = ["route", "count", "errors", "p50 ms", "p95 ms", "p99 ms"];
	const rows = report.routes.map(r => [r.route, String(r.count), String(r.errors), String(r.p50), String(r.p95), String(r.p99)]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
	const out = [line(head), ...rows.map(line), "", `${report.requests} requests in ${report.seconds.toFixed(1)} s (${(report.requests / report.seconds).toFixed(1)}/s)`];
	if (report.unexpected.length) out.push(`Unexpected answers (first ${report.unexpected.length}):`, ...report.unexpected.map(u => `  ${u}`));
	return out.join("\n");
}

function argument(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
	const opts: LoadOptions = {
		url: argument("url", "http://127.0.0.1:3000"),
		users: Math.max(1, Math.min(1_000, Number(argument("users", "10")))),
		durationS: Math.max(1, Math.min(3_600, Number(argument("duration", "30")))),
		thinkMs: Math.max(0, Number(argument("think", "1000"))),
	};
	console.log(`Load: ${opts.users} shoppers for ${opts.durationS} s against ${opts.url}`);
	runLoad(opts).then(
		report => {
			process.stderr.write("\n");
			console.log(formatReport(report));
			process.exit(report.unexpected.length > 0 ? 1 : 0);
		},
		err => {
			console.error(err);
			process.exit(2);
		},
	);
}
