// Corners of the REST contract (docs/api-contract.md) that the first version missed: every
// error in the full five-field shape, and no unknown query parameter slipping past as ignored.
// (A repeat of a checkout still running answers 409, as issue 6 decided: see checkout-api.)
import type { ServiceBroker } from "moleculer";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { createOutage, everyService } from "../support/shop";
import { http, request, type JsonResponse } from "../support/http";

const { down, middleware: Outage } = createOutage();

const SERVICES = everyService();

const customer = signToken({ id: "contract-customer", email: "carol@example.com", role: "customer" });

/** The contract's one shape, all five fields: `{ name, message, code, type, data }`. */
function expectFullError(res: JsonResponse, status: number): void {
	expect(res.status).toBe(status);
	expect(Object.keys(res.body ?? {}).sort()).toEqual(["code", "data", "message", "name", "type"]);
	expect(res.body.code).toBe(status);
}

describe("contract corners", () => {
	let broker: ServiceBroker;
	let api: string;

	beforeAll(async () => {
		broker = await startBroker(SERVICES, { middlewares: [Outage] });
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());
	afterEach(() => down.clear());

	describe("every error body carries `data` (the contract's shape is { name, message, code, type, data })", () => {
		it("400 malformed JSON", async () => {
			expectFullError(await request("POST", `${api}/auth/login`, { rawBody: '{"email": ' }), 400);
		});

		it("401 no token", async () => {
			expectFullError(await http.get(`${api}/auth/me`), 401);
		});

		it("403 customer on an admin route", async () => {
			expectFullError(await http.get(`${api}/payments`, { token: customer }), 403);
		});

		it("404 unknown route", async () => {
			expectFullError(await http.get(`${api}/no-such-route`), 404);
		});

		it("404 unknown product's stock", async () => {
			expectFullError(await http.get(`${api}/inventory/no-such-product`), 404);
		});

		it("413 body too large", async () => {
			expectFullError(await http.post(`${api}/auth/login`, { email: "a@b.c", password: "x".repeat(2 * 1024 * 1024) }), 413);
		});

		it("503 a needed service unreachable", async () => {
			down.add("products");
			expectFullError(await http.get(`${api}/products`), 503);
		});
	});

	it.each(["constructor=x", "__proto__[x]=1", "hasOwnProperty=1"])("GET /api/products?%s is a 422 like any other unknown parameter", async query => {
		const res = await http.get(`${api}/products?${query}`);
		expect(res.status).toBe(422);
	});

	// Last: it spends this client's request budget.
	it("429 from the gateway's rate limit carries `data`", async () => {
		const remaining = Number((await http.get(`${api}/health`)).headers.get("x-rate-limit-remaining"));
		let limited: JsonResponse | undefined;
		for (let i = 0; i <= remaining && !limited; i += 50) {
			const batch = await Promise.all(Array.from({ length: Math.min(50, remaining + 1 - i) }, () => http.get(`${api}/health`)));
			limited = batch.find(r => r.status === 429);
		}
		expectFullError(limited!, 429);
	});
});
