// The storefront's own JavaScript (public/js), run as the browser runs it (ES modules, Node 22's
// fetch and Intl) against a real gateway: how it keeps the guest cart and the session, what it
// makes of the API's errors, how it writes money and stock, and when checkout reuses its
// Idempotency-Key.
import { execFile } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import { publicDir } from "../../lib/paths";
import { signToken } from "../../lib/tokens";
import type { ShopContext } from "../../lib/meta";
import { gatewayUrl, startBroker } from "../support/broker";

const GUEST_CART = "guest-cart-1";

// Stand-ins for the cart and users services that report what the gateway handed them, so the
// test can see which requests carried the guest cart's id. The real services are tested on
// their own; here the subject is the browser's side of the contract.
const CartProbe: ServiceSchema = {
	name: "cart",
	actions: {
		get: {
			auth: "public",
			handler(ctx: ShopContext) {
				if (!ctx.meta.cartId) ctx.meta.$responseHeaders = { "X-Cart-Id": GUEST_CART };
				return { items: [], itemCount: 0, subtotal: 0, currency: "USD", sawCartId: ctx.meta.cartId ?? null };
			},
		},
	},
};
const UsersProbe: ServiceSchema = {
	name: "users",
	actions: {
		login: {
			auth: "public",
			handler(ctx: ShopContext) {
				const user = { id: "u1", email: "ann@example.com", name: "Ann", role: "customer" as const, createdAt: new Date(0).toISOString() };
				return { user, token: signToken({ id: user.id, email: user.email, role: user.role }), sawCartId: ctx.meta.cartId ?? null };
			},
		},
	},
};

/**
 * Run `scenario` (the body of an async function) in a fresh Node 22 process, with the storefront's
 * modules imported as `api`, `store`, `format` and `attempt`, a localStorage seeded from
 * `storage`, and fetch resolving the page's relative "/api/…" URLs against the gateway.
 * `sent` lists the headers of each request. Returns what the scenario returns.
 */
function inBrowser(base: string, scenario: string, storage: Record<string, string> = {}): Promise<any> {
	const url = (file: string) => JSON.stringify(pathToFileURL(path.join(publicDir, "js", file)).href);
	const program = `
		const saved = new Map(Object.entries(${JSON.stringify(storage)}));
		globalThis.localStorage = {
			getItem: key => (saved.has(key) ? saved.get(key) : null),
			setItem: (key, value) => saved.set(key, String(value)),
			removeItem: key => saved.delete(key),
		};
		const sent = [];
		const realFetch = globalThis.fetch;
		globalThis.fetch = (url, options) => (sent.push({ url, headers: options.headers }), realFetch(${JSON.stringify(base)} + url, options));
		const api = await import(${url("api.js")});
		const store = await import(${url("store.js")});
		const format = await import(${url("format.js")});
		const attempt = await import(${url("attempt.js")});
		const result = await (async () => { ${scenario} })();
		process.stdout.write(JSON.stringify(result ?? null));
	`;
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			["--input-type=module", "-e", program],
			{ env: { ...process.env, LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8", TZ: "UTC" }, timeout: 15_000 },
			(err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
		);
	});
}

describe("storefront client", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, CurrencyService, CartProbe, UsersProbe] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});

	afterAll(() => broker.stop());

	it("keeps the guest cart's id, sends it on cart calls and at sign-in (so the carts merge), and nowhere else", async () => {
		const seen = await inBrowser(
			base,
			`
			const first = await api.get("/cart");
			const stored = localStorage.getItem("shop.cartId");
			const second = await api.get("/cart");
			await api.get("/currencies");
			const session = await api.post("/auth/login", { email: "ann@example.com", password: "secret-123" });
			store.signIn(session);
			return {
				first: first.sawCartId, stored, second: second.sawCartId, login: session.sawCartId,
				currencies: sent[2].headers["X-Cart-Id"] ?? null,
				afterSignIn: localStorage.getItem("shop.cartId"), token: Boolean(store.token()),
			};
		`,
		);
		expect(seen).toEqual({ first: null, stored: GUEST_CART, second: GUEST_CART, login: GUEST_CART, currencies: null, afterSignIn: null, token: true });
	});

	it("shows the API's message for a failed request, with the field messages of a 422", async () => {
		const error = await inBrowser(
			base,
			`
			try { await api.get("/products/" + "x".repeat(65) + "/recommendations"); }
			catch (err) { return { isApiError: err instanceof api.ApiError, status: err.status, type: err.type, message: err.message, fields: err.fields.map(f => f.field) }; }
		`,
		);
		expect(error).toEqual({ isApiError: true, status: 422, type: "VALIDATION_ERROR", message: "Parameters validation error!", fields: ["id"] });
	});

	it("reads Retry-After from a 503 so the page can say when to try again", async () => {
		// No products service runs in this broker: the catalog is down.
		const error = await inBrowser(base, `try { await api.get("/products"); } catch (err) { return { status: err.status, retryAfter: err.retryAfter, unknown: err.outcomeUnknown, message: err.message }; }`);
		expect(error).toEqual({ status: 503, retryAfter: 5, unknown: true, message: expect.stringMatching(/not available/) });
	});

	it("asks for prices in the shopper's currency on reads only", async () => {
		const urls = await inBrowser(
			base,
			`
			store.setCurrency("EUR");
			await api.get("/cart");
			await api.get("/currencies");
			await api.get("/products/p1/recommendations");
			await api.put("/cart/items/p1", { quantity: 2 }).catch(() => {}); // a write: its params are fixed
			return sent.map(s => s.url);
		`,
		);
		expect(urls).toEqual(["/api/cart?currency=EUR", "/api/currencies", "/api/products/p1/recommendations?currency=EUR", "/api/cart/items/p1"]);
	});

	it("forgets a token the shop no longer accepts and carries on as a guest", async () => {
		const outcome = await inBrowser(
			base,
			`
			let expired = false;
			store.changes.addEventListener("expired", () => (expired = true));
			const codes = await api.get("/currencies");
			return { codes, expired, token: store.token(), user: store.user() };
		`,
			{ "shop.token": "not-a-valid-token", "shop.user": JSON.stringify({ id: "u1", email: "ann@example.com", role: "customer" }) },
		);
		expect(outcome).toEqual({ codes: expect.arrayContaining(["USD", "EUR"]), expired: true, token: null, user: null });
	});

	it("writes prices from integer minor units and stock as a shopper reads it", async () => {
		const text = await inBrowser(
			base,
			`
			const f = format;
			return {
				usd: f.money(1999, "USD"), yen: f.money(1999, "JPY"), eur: f.money(5, "EUR"), zero: f.money(0, "USD"),
				typed: [f.toMinor("19.99"), f.toMinor("0.1"), f.toMinor("1999", "JPY"), f.toMinor(""), f.toMinor("-1"), f.toMinor("abc")],
				back: f.fromMinor(1999),
				stock: [null, 0, 2, 5, 6, 40].map(n => f.availability(n).text),
				canBuy: [null, 0, 1].map(n => f.availability(n).canBuy),
			};
		`,
		);
		expect(text).toEqual({
			usd: "$19.99",
			yen: "¥1,999",
			eur: "€0.05",
			zero: "$0.00",
			typed: [1999, 10, 1999, null, null, null],
			back: "19.99",
			stock: ["Availability unknown", "Sold out", "Only 2 left", "Only 5 left", "In stock", "In stock"],
			canBuy: [true, false, true],
		});
	});

	it("reuses a checkout's Idempotency-Key only while the outcome of the same attempt is unknown", async () => {
		const keys = await inBrowser(
			base,
			`
			const attempts = attempt.checkoutAttempts();
			const order = { shippingAddress: { city: "Oslo" }, payment: { cardNumber: "4242424242424242" } };
			const first = attempts.keyFor(order);
			attempts.settle(true);                      // 503 or no answer: nobody knows
			const retry = attempts.keyFor(structuredClone(order));
			const otherCard = attempts.keyFor({ ...order, payment: { cardNumber: "4000000000000002" } });
			attempts.settle(false);                     // a definite answer (declined): attempt over
			const next = attempts.keyFor({ ...order, payment: { cardNumber: "4000000000000002" } });
			return { sameOnRetry: retry === first, newForOtherBody: otherCard !== first, newAfterAnswer: next !== otherCard, uuid: /^[0-9a-f-]{36}$/.test(first) };
		`,
		);
		expect(keys).toEqual({ sameOnRetry: true, newForOtherBody: true, newAfterAnswer: true, uuid: true });
	});
});
