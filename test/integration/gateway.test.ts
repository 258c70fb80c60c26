import nodeHttp from "node:http";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import { DbMixin } from "../../mixins/db.mixin";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http, request } from "../support/http";
import { idempotentRead } from "../../lib/read-policy";

/** A service with moleculer-db's generic CRUD mixed in: none of it may become reachable. */
const ThingsService: ServiceSchema = { name: "things", mixins: [DbMixin("things")] };

function expectContractError(body: any, code: number): void {
	expect(body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code, type: expect.any(String) }));
	expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe("gateway", () => {
	let broker: ServiceBroker;
	let base: string;
	const customer = signToken({ id: "u-customer", email: "c@example.com", role: "customer" });
	const admin = signToken({ id: "u-admin", email: "a@example.com", role: "admin" });

	beforeAll(async () => {
		broker = await startBroker([ApiService, CurrencyService, ThingsService]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("answers /api/health as long as it lives", async () => {
		const res = await http.get(`${base}/api/health`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ status: "ok", nodeID: broker.nodeID, uptime: expect.any(Number) });
	});

	it("is not ready while shop services are missing, and names them", async () => {
		const res = await http.get(`${base}/api/health/ready`);
		expect(res.status).toBe(503);
		expect(res.body.services.currency).toBe("up");
		expect(res.body.services.payments).toBe("down");
		expect(Object.keys(res.body.services)).toHaveLength(10);
	});

	it("routes a listed alias to its action", async () => {
		const res = await http.get(`${base}/api/currencies`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual(expect.arrayContaining(["USD", "EUR", "GBP", "JPY"]));
	});

	it("exposes nothing that is not listed: no $node actions, no generic CRUD, no internal actions", async () => {
		for (const path of ["/api/$node/list", "/api/~node/list", "/api/node/list", "/api/things", "/api/things/list", "/api/currency/convert", "/api/nope"]) {
			const res = await http.get(`${base}${path}`);
			expect({ path, status: res.status }).toEqual({ path, status: 404 });
			expectContractError(res.body, 404);
		}
		expect(broker.registry.getActionList({}).map((a: any) => a.name)).not.toContain("things.find");
	});

	it("answers 503 with Retry-After when the service a route needs is not running", async () => {
		const res = await http.get(`${base}/api/cart`);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
		expectContractError(res.body, 503);
	});

	it("degrades recommendations to [] when that service is down", async () => {
		const res = await http.get(`${base}/api/products/prod-0001/recommendations`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual([]);
	});

	it("rejects invalid input with 422 and the offending fields", async () => {
		const res = await http.get(`${base}/api/products/prod-0001/recommendations?currency=EURO`);
		expect(res.status).toBe(422);
		expectContractError(res.body, 422);
		expect(res.body.data).toEqual([expect.objectContaining({ field: "currency", message: expect.any(String) })]);
	});

	it("refuses a query parameter a route does not take, even on the operations routes", async () => {
		for (const path of ["/api/health?verbose=1", "/api/health/ready?x=1", "/api/currencies?base=EUR", "/api/products/prod-0001/recommendations?limit=10"]) {
			const res = await http.get(`${base}${path}`);
			expect({ path, status: res.status }).toEqual({ path, status: 422 });
			expectContractError(res.body, 422);
		}
	});

	it("answers malformed JSON with 400", async () => {
		const res = await request("POST", `${base}/api/auth/login`, { rawBody: '{"email": ' });
		expect(res.status).toBe(400);
		expectContractError(res.body, 400);
	});

	it("refuses a 2 MB body with 413", async () => {
		const res = await request("POST", `${base}/api/auth/login`, { rawBody: JSON.stringify({ email: "x".repeat(2 * 1024 * 1024) }) });
		expect(res.status).toBe(413);
		expectContractError(res.body, 413);
	});

	it("sizes the body limit to the route: a sign-in body of 5 KB is a 413 before any service sees it, a product of 20 KB is read", async () => {
		const login = await http.post(`${base}/api/auth/login`, { email: "a@b.test", password: "p".repeat(5 * 1024) });
		expect(login.status).toBe(413);
		const cart = await http.post(`${base}/api/cart/items`, { productId: "p".repeat(3 * 1024), quantity: 1 });
		expect(cart.status).toBe(413);
		// Read, then refused by the route's own checks (products does not run here): not a 413.
		const product = await http.post(`${base}/api/products`, { description: "d".repeat(20 * 1024) }, { token: admin });
		expect(product.status).not.toBe(413);
	});

	it("cuts a body sent without Content-Length at the route's limit while reading it", async () => {
		const status = await new Promise<number>((resolve, reject) => {
			const req = nodeHttp.request(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" } }, res => {
				res.resume();
				resolve(res.statusCode ?? 0);
			});
			req.on("error", reject);
			req.write(`{"email":"${"x".repeat(3 * 1024)}`); // chunked: the size is only known while reading
			req.write(`${"x".repeat(3 * 1024)}"}`);
			req.end();
		});
		expect(status).toBe(413);
	});

	it("asks for a token on admin routes and refuses customers", async () => {
		const anonymous = await http.get(`${base}/api/ops/cluster`);
		expect(anonymous.status).toBe(401);
		expectContractError(anonymous.body, 401);
		const asCustomer = await http.get(`${base}/api/ops/cluster`, { token: customer });
		expect(asCustomer.status).toBe(403);
		expectContractError(asCustomer.body, 403);
	});

	it("shows admins the nodes, their services and each endpoint's circuit", async () => {
		const res = await http.get(`${base}/api/ops/cluster`, { token: admin });
		expect(res.status).toBe(200);
		expect(res.body.nodes).toEqual([expect.objectContaining({ id: broker.nodeID, available: true, services: expect.arrayContaining(["api", "currency"]) })]);
		expect(res.body.endpoints).toContainEqual({ action: "currency.list", nodeID: broker.nodeID, circuit: "closed", available: true });
	});

	it("refuses a bad token even on a public route", async () => {
		for (const authorization of ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", `Bearer ${customer}x`]) {
			const res = await http.get(`${base}/api/currencies`, { headers: { authorization } });
			expect(res.status).toBe(401);
			expectContractError(res.body, 401);
		}
	});

	it("answers CORS preflights for the headers the shop uses", async () => {
		const res = await fetch(`${base}/api/cart/items`, {
			method: "OPTIONS",
			headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-cart-id" },
		});
		expect(res.status).toBe(204);
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
		expect(res.headers.get("access-control-allow-headers")).toMatch(/X-Cart-Id/i);
	});

	it("lets a page on another origin read the headers the shop answers with (a guest's cart id, an admin list's count)", async () => {
		const res = await fetch(`${base}/api/health`, { headers: { origin: "https://shop.example" } });
		const exposed = (res.headers.get("access-control-expose-headers") ?? "").split(/,\s*/).map(h => h.toLowerCase());
		expect(exposed).toEqual(expect.arrayContaining(["x-cart-id", "retry-after", "x-request-id", "x-total-count"]));
	});
});

describe("gateway authorization", () => {
	// A routed action that forgot to say who may call it: the gateway must refuse it.
	const Undeclared: ServiceSchema = { name: "currency", actions: { list: { handler: () => ["USD"] } } };
	let broker: ServiceBroker;

	beforeAll(async () => {
		broker = await startBroker([ApiService, Undeclared]);
	});
	afterAll(() => broker.stop());

	it("refuses an action that declares no auth, even to an admin", async () => {
		const admin = signToken({ id: "u-admin", email: "a@example.com", role: "admin" });
		const res = await http.get(`${gatewayUrl(broker)}/api/currencies`, { token: admin });
		expect(res.status).toBe(403);
		expectContractError(res.body, 403);
	});
});

describe("the OpenAPI document", () => {
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker([ApiService, CurrencyService]);
	});
	afterAll(() => broker.stop());

	it("describes every route, with the parameters of the actions that run", async () => {
		const res = await http.get(`${gatewayUrl(broker)}/api/openapi.json`);
		expect(res.status).toBe(200);
		expect(res.body.openapi).toBe("3.1.0");
		expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/products/{id}", "/api/checkout", "/api/cart/items/{productId}"]));
		const recommendations = res.body.paths["/api/products/{id}/recommendations"].get;
		expect(recommendations.parameters).toContainEqual({ name: "currency", in: "query", required: false, schema: { type: "string", pattern: "^[A-Za-z]{3}$" } });
		expect(res.body.paths["/api/ops/cluster"].get.security).toEqual([{ bearer: [] }]);
	});
});

describe("a service that does not answer", () => {
	// An idempotent read: one retry (elsewhere, when there is an elsewhere) after a short attempt,
	// so a dead node costs the client two short attempts, never a retry per long timeout.
	const Stuck: ServiceSchema = {
		name: "shipping",
		actions: { quote: { auth: "public", ...idempotentRead(), handler: () => new Promise(() => undefined) } },
	};
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker([ApiService, Stuck]);
	});
	afterAll(() => broker.stop());

	it("costs the client two short attempts, not a long timeout per retry, before a 503", async () => {
		const res = await http.post(`${gatewayUrl(broker)}/api/shipping/quote`, { country: "US", items: [] });
		expect(res.status).toBe(503);
		expectContractError(res.body, 503);
		expect(res.ms).toBeLessThan(3_000);
	}, 15_000);
});
