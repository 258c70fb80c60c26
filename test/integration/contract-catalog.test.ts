// The REST contract (/work/shared/api-contract.md), end to end over HTTP with every service of the
// shop in one process: health and operations, catalog, inventory, shipping quotes, currencies and
// recommendations. Only what the contract promises is asserted; extra fields are welcome.
import type { BrokerOptions, ServiceBroker } from "moleculer";
import { convertMinor } from "../../services/currency/convert";
import { shopServices } from "../../services/api/routes";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { everyService } from "../support/shop";
import { expectError, expectInvalid } from "../support/contract";
import { freePort } from "../support/nats";
import { http } from "../support/http";
import brokerConfig from "../../moleculer.config";
import { NodeHttpMiddleware } from "../../middlewares/node-http.middleware";

const SERVICES = everyService();

const admin = signToken({ id: "contract-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "contract-customer", email: "carol@example.com", role: "customer" });

/** Every route of the contract's tables, as OpenAPI names them. */
const CONTRACT_ROUTES = [
	"GET /api/health",
	"GET /api/health/ready",
	"GET /api/ops/cluster",
	"GET /api/payments",
	"GET /api/orders",
	"POST /api/auth/register",
	"POST /api/auth/login",
	"GET /api/auth/me",
	"GET /api/products",
	"GET /api/products/{id}",
	"POST /api/products",
	"PATCH /api/products/{id}",
	"DELETE /api/products/{id}",
	"GET /api/categories",
	"GET /api/inventory/{productId}",
	"PUT /api/inventory/{productId}",
	"GET /api/cart",
	"POST /api/cart/items",
	"PUT /api/cart/items/{productId}",
	"DELETE /api/cart/items/{productId}",
	"DELETE /api/cart",
	"POST /api/shipping/quote",
	"GET /api/currencies",
	"GET /api/products/{id}/recommendations",
	"POST /api/checkout",
	"GET /api/orders/{id}",
	"POST /api/orders/{id}/cancel",
	"GET /api/notifications",
];

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const PRODUCT_FIELDS = ["id", "sku", "name", "description", "category", "price", "currency", "imageUrl", "available"];

/** The contract's `product`: every field there, of its type; money in integer cents. */
function expectProduct(p: any, currency = "USD"): void {
	expect(p).toEqual(
		expect.objectContaining({
			id: expect.any(String),
			sku: expect.any(String),
			name: expect.any(String),
			description: expect.any(String),
			category: expect.any(String),
			price: expect.any(Number),
			currency,
			imageUrl: expect.any(String),
			available: expect.any(Number),
		}),
	);
	expect(Number.isInteger(p.price)).toBe(true);
	expect(Number.isInteger(p.available) && p.available >= 0).toBe(true);
}

/** The contract's one error shape, with the status mirrored in `code`. */

describe("contract: health, catalog, inventory, shipping, currencies", () => {
	let broker: ServiceBroker;
	let api: string;
	let catalog: any[];

	let metricsPort: number;

	beforeAll(async () => {
		// The broker's metrics and its node server as moleculer.config.ts sets them up for a node with METRICS_PORT set.
		metricsPort = await freePort();
		broker = await startBroker(SERVICES, {
			metrics: { enabled: true, reporter: [{ type: "PrometheusText" as "Prometheus" }] },
			middlewares: [...(brokerConfig.middlewares ?? []), NodeHttpMiddleware({ port: metricsPort, host: "127.0.0.1" })] as BrokerOptions["middlewares"],
		});
		api = `${gatewayUrl(broker)}/api`;
		const res = await http.get(`${api}/products?pageSize=100`);
		catalog = res.body.rows;
	});
	afterAll(() => broker.stop());

	const inStock = () => catalog.find(p => p.available >= 5);

	describe("health and operations", () => {
		it("GET /api/health answers 200 { status: ok, nodeID, uptime }", async () => {
			const res = await http.get(`${api}/health`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toMatch(/application\/json/);
			expect(res.body).toEqual(expect.objectContaining({ status: "ok", nodeID: broker.nodeID, uptime: expect.any(Number) }));
		});

		it("GET /api/health/ready answers 200 ready with every shop service up", async () => {
			const res = await http.get(`${api}/health/ready`);
			expect(res.status).toBe(200);
			expect(res.body.status).toBe("ready");
			expect(res.body.services).toEqual(Object.fromEntries(shopServices.map(name => [name, "up"])));
		});

		it("GET /api/ops/cluster shows admins the nodes, their services and each endpoint's circuit", async () => {
			const res = await http.get(`${api}/ops/cluster`, { token: admin });
			expect(res.status).toBe(200);
			const node = res.body.nodes.find((n: any) => n.id === broker.nodeID);
			expect(node.services).toEqual(expect.arrayContaining([...shopServices, "api"]));
			expect(res.body.endpoints).toEqual(expect.arrayContaining([expect.objectContaining({ action: "products.list", nodeID: broker.nodeID, circuit: "closed" })]));
		});

		it("GET /metrics on the metrics port is a Prometheus text exposition of the node's metrics", async () => {
			await http.get(`${api}/products/${catalog[0].id}`);
			const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toMatch(/text\/plain/);
			const text = await res.text();
			expect(text).toMatch(/^# HELP /m);
			expect(text).toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary)$/m);
			expect(text).toMatch(/^moleculer_request_total\{[^}]*action="products\.get"[^}]*\} \d+/m);
		});

		it("the OpenAPI document describes every route of the contract", async () => {
			const res = await http.get(`${api}/openapi.json`);
			expect(res.status).toBe(200);
			const described = Object.entries(res.body.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`));
			expect(described).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
		});

		it("GET /api/ops/cluster is 401 without a token and 403 for a customer", async () => {
			expectError(await http.get(`${api}/ops/cluster`), 401);
			expectError(await http.get(`${api}/ops/cluster`, { token: customer }), 403);
		});
	});

	describe("products", () => {
		it("a fresh install has at least 40 products in at least 5 categories, in the contract's shape", async () => {
			const res = await http.get(`${api}/products`);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ rows: expect.any(Array), total: expect.any(Number), page: 1, pageSize: 20, totalPages: expect.any(Number) });
			expect(res.body.total).toBeGreaterThanOrEqual(40);
			expect(res.body.rows).toHaveLength(20);
			expect(res.body.totalPages).toBe(Math.ceil(res.body.total / 20));
			for (const p of res.body.rows) expectProduct(p);
			expect(new Set(catalog.map(p => p.category)).size).toBeGreaterThanOrEqual(5);
		});

		it("GET /api/categories answers [{ name, count }] matching the catalog", async () => {
			const res = await http.get(`${api}/categories`);
			expect(res.status).toBe(200);
			expect(res.body.length).toBeGreaterThanOrEqual(5);
			for (const c of res.body) expect(c).toEqual(expect.objectContaining({ name: expect.any(String), count: expect.any(Number) }));
			const counted = Object.fromEntries(res.body.map((c: any) => [c.name, c.count]));
			const expected: Record<string, number> = {};
			for (const p of catalog) expected[p.category] = (expected[p.category] ?? 0) + 1;
			expect(counted).toEqual(expected);
		});

		it("GET /api/products/:id answers the product, and 404 in the error shape for an unknown id", async () => {
			const p = catalog[0];
			const res = await http.get(`${api}/products/${p.id}`);
			expect(res.status).toBe(200);
			expectProduct(res.body);
			expect(res.body).toEqual(p);
			expectError(await http.get(`${api}/products/no-such-product`), 404);
		});

		it("`available` is on hand less reservations, as inventory reports it", async () => {
			const p = inStock();
			const stock = await http.get(`${api}/inventory/${p.id}`);
			expect(stock.status).toBe(200);
			expect(stock.body).toEqual({ productId: p.id, onHand: expect.any(Number), reserved: expect.any(Number), available: expect.any(Number) });
			expect(stock.body.available).toBe(stock.body.onHand - stock.body.reserved);
			expect((await http.get(`${api}/products/${p.id}`)).body.available).toBe(stock.body.available);
		});

		it("q searches name and description without regard to case", async () => {
			const byName = catalog.find(p => /headphones/i.test(p.name));
			const res = await http.get(`${api}/products?q=HEADPHONES&pageSize=100`);
			expect(res.status).toBe(200);
			expect(res.body.rows.map((p: any) => p.id)).toContain(byName.id);
			for (const p of res.body.rows) expect(`${p.name} ${p.description}`).toMatch(/headphones/i);

			const byDescription = catalog.find(p => /sourdough/i.test(p.description) && !/sourdough/i.test(p.name));
			const res2 = await http.get(`${api}/products?q=Sourdough`);
			expect(res2.body.rows.map((p: any) => p.id)).toContain(byDescription.id);
		});

		it("category, minPrice and maxPrice (cents, inclusive) filter", async () => {
			const p = catalog[3];
			const res = await http.get(`${api}/products?category=${p.category}&minPrice=${p.price}&maxPrice=${p.price}&pageSize=100`);
			expect(res.status).toBe(200);
			expect(res.body.rows.map((r: any) => r.id)).toContain(p.id);
			for (const r of res.body.rows) expect(r).toMatchObject({ category: p.category, price: p.price });
			expect(res.body.total).toBe(catalog.filter(c => c.category === p.category && c.price === p.price).length);
		});

		it.each([
			["price", (a: any, b: any) => a.price - b.price],
			["-price", (a: any, b: any) => b.price - a.price],
			["name", (a: any, b: any) => a.name.localeCompare(b.name, "en", { sensitivity: "base" })],
			["-name", (a: any, b: any) => b.name.localeCompare(a.name, "en", { sensitivity: "base" })],
		])("sort=%s orders the rows", async (sort, compare) => {
			const res = await http.get(`${api}/products?sort=${sort}&pageSize=100`);
			expect(res.status).toBe(200);
			const rows = res.body.rows;
			for (let i = 1; i < rows.length; i++) expect(compare(rows[i - 1], rows[i])).toBeLessThanOrEqual(0);
		});

		it("sort=createdAt and sort=-createdAt are accepted and are each other's reverse", async () => {
			const up = await http.get(`${api}/products?sort=createdAt&pageSize=100`);
			const down = await http.get(`${api}/products?sort=-createdAt&pageSize=100`);
			expect([up.status, down.status]).toEqual([200, 200]);
			expect(up.body.rows.length).toBe(down.body.rows.length);
			expect(up.body.rows[0].id).toBe(down.body.rows[down.body.rows.length - 1].id);
		});

		it("page and pageSize page through the catalog (pageSize 1–100)", async () => {
			const res = await http.get(`${api}/products?sort=price&page=2&pageSize=5`);
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ page: 2, pageSize: 5, totalPages: Math.ceil(res.body.total / 5) });
			const first10 = await http.get(`${api}/products?sort=price&pageSize=10`);
			expect(res.body.rows.map((p: any) => p.id)).toEqual(first10.body.rows.slice(5).map((p: any) => p.id));
			expect((await http.get(`${api}/products?pageSize=100`)).status).toBe(200);
			expectInvalid(await http.get(`${api}/products?pageSize=0`), "pageSize");
			expectInvalid(await http.get(`${api}/products?pageSize=101`), "pageSize");
			expectInvalid(await http.get(`${api}/products?page=0`), "page");
		});

		it.each([
			["an unknown parameter", "color=red"],
			["an object where a string belongs", "q[$ne]=x"],
			["an operator in category", "category[$regex]=.*"],
			["a price that is not a number", "minPrice=cheap"],
			["an unknown sort", "sort=popularity"],
		])("answers 422 for %s, never a database query", async (_what, query) => {
			const res = await http.get(`${api}/products?${query}`);
			expectError(res, 422);
			expect(Array.isArray(res.body.data) && res.body.data.length > 0).toBe(true);
		});

		it("?currency=EUR shows list and product prices converted, integer cents, currency set", async () => {
			const p = catalog.find(c => c.price > 1000);
			const one = await http.get(`${api}/products/${p.id}?currency=EUR`);
			expect(one.status).toBe(200);
			expectProduct(one.body, "EUR");
			expect(one.body.price).toBe(convertMinor(p.price, "USD", "EUR"));
			expect(one.body.price).not.toBe(p.price);

			const list = await http.get(`${api}/products?currency=EUR&pageSize=100`);
			expect(list.status).toBe(200);
			for (const row of list.body.rows) expectProduct(row, "EUR");
			expect(list.body.rows.find((r: any) => r.id === p.id).price).toBe(one.body.price);
		});

		it("every listed currency converts to integer minor units", async () => {
			const p = catalog.find(c => c.price > 1000);
			for (const code of (await http.get(`${api}/currencies`)).body) {
				const res = await http.get(`${api}/products/${p.id}?currency=${code}`);
				expect(res.status).toBe(200);
				expectProduct(res.body, code);
				expect(res.body.price).toBe(convertMinor(p.price, "USD", code));
			}
			expectError(await http.get(`${api}/products/${p.id}?currency=XYZ`), 422);
		});

		it("a product's imageUrl is served", async () => {
			const p = catalog[0];
			const res = await fetch(new URL(p.imageUrl, api));
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toMatch(/^image\//);
		});

		it("GET /api/products/:id/recommendations answers up to 4 other products", async () => {
			const p = inStock();
			const res = await http.get(`${api}/products/${p.id}/recommendations`);
			expect(res.status).toBe(200);
			expect(res.body.length).toBeGreaterThan(0);
			expect(res.body.length).toBeLessThanOrEqual(4);
			for (const r of res.body) expectProduct(r);
			expect(res.body.map((r: any) => r.id)).not.toContain(p.id);
		});
	});

	describe("admin edits of the catalog", () => {
		const NEW = { sku: "CONTRACT-1", name: "Contract Mug", description: "Holds exactly what it promises.", category: "kitchen", price: 1299 };

		it("POST, PATCH and DELETE /api/products: 201 product, 200 product, 200/204, then 404", async () => {
			const created = await http.post(`${api}/products`, NEW, { token: admin });
			expect(created.status).toBe(201);
			expectProduct(created.body);
			expect(created.body).toMatchObject({ ...NEW, currency: "USD", available: 0 });
			expect((await http.get(`${api}/products/${created.body.id}`)).body).toMatchObject(NEW);

			const patched = await http.patch(`${api}/products/${created.body.id}`, { price: 1499 }, { token: admin });
			expect(patched.status).toBe(200);
			expectProduct(patched.body);
			expect(patched.body).toMatchObject({ ...NEW, price: 1499 });
			expect((await http.get(`${api}/products/${created.body.id}`)).body.price).toBe(1499);

			const removed = await http.del(`${api}/products/${created.body.id}`, { token: admin });
			expect([200, 204]).toContain(removed.status);
			expectError(await http.get(`${api}/products/${created.body.id}`), 404);
			expectError(await http.del(`${api}/products/${created.body.id}`, { token: admin }), 404);
			expectError(await http.patch(`${api}/products/${created.body.id}`, { price: 1 }, { token: admin }), 404);
		});

		it("422 lists the offending fields: float money, negative price, missing name", async () => {
			expectInvalid(await http.post(`${api}/products`, { ...NEW, sku: "CONTRACT-2", price: 12.99 }, { token: admin }), "price");
			expectInvalid(await http.post(`${api}/products`, { ...NEW, sku: "CONTRACT-3", price: -1 }, { token: admin }), "price");
			const { name: _name, ...nameless } = NEW;
			expectInvalid(await http.post(`${api}/products`, { ...nameless, sku: "CONTRACT-4" }, { token: admin }), "name");
			expectInvalid(await http.patch(`${api}/products/${catalog[0].id}`, { price: "free" }, { token: admin }), "price");
		});

		it("an id or stock level sent with a new product never reaches storage", async () => {
			const res = await http.post(`${api}/products`, { ...NEW, sku: "CONTRACT-5", id: "chosen-by-client", available: 500 }, { token: admin });
			expect([201, 422]).toContain(res.status);
			if (res.status === 201) expect(res.body).toMatchObject({ available: 0 });
			expect(res.body.id).not.toBe("chosen-by-client");
			expectError(await http.get(`${api}/products/chosen-by-client`), 404);
		});

		it("editing the catalog is 401 without a token and 403 for a customer", async () => {
			expectError(await http.post(`${api}/products`, NEW), 401);
			expectError(await http.post(`${api}/products`, NEW, { token: customer }), 403);
			expectError(await http.patch(`${api}/products/${catalog[0].id}`, { price: 1 }, { token: customer }), 403);
			expectError(await http.del(`${api}/products/${catalog[0].id}`, { token: customer }), 403);
			expect((await http.get(`${api}/products/${catalog[0].id}`)).body.price).toBe(catalog[0].price);
		});
	});

	describe("inventory", () => {
		it("GET /api/inventory/:productId is 404 for an unknown product", async () => {
			expectError(await http.get(`${api}/inventory/no-such-product`), 404);
		});

		it("PUT /api/inventory/:productId sets onHand for admins and the catalog shows it", async () => {
			const p = catalog.find(c => c.available > 0 && c.id !== inStock().id);
			const res = await http.put(`${api}/inventory/${p.id}`, { onHand: 77 }, { token: admin });
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ productId: p.id, onHand: 77, reserved: 0, available: 77 });
			expect((await http.get(`${api}/inventory/${p.id}`)).body).toEqual(res.body);
			expect((await http.get(`${api}/products/${p.id}`)).body.available).toBe(77);
		});

		it("PUT /api/inventory/:productId: 422 for a negative or fractional onHand, 401/403 for others", async () => {
			const p = catalog[1];
			expectInvalid(await http.put(`${api}/inventory/${p.id}`, { onHand: -1 }, { token: admin }), "onHand");
			expectInvalid(await http.put(`${api}/inventory/${p.id}`, { onHand: 1.5 }, { token: admin }), "onHand");
			expectError(await http.put(`${api}/inventory/${p.id}`, { onHand: 5 }), 401);
			expectError(await http.put(`${api}/inventory/${p.id}`, { onHand: 5 }, { token: customer }), 403);
		});
	});

	describe("shipping and currencies", () => {
		it("POST /api/shipping/quote answers { cost, currency, carrier, estimatedDays } in integer cents", async () => {
			const res = await http.post(`${api}/shipping/quote`, { country: "DE", items: [{ productId: catalog[0].id, quantity: 2 }] });
			expect(res.status).toBe(200);
			expect(res.body).toEqual(expect.objectContaining({ cost: expect.any(Number), currency: "USD", carrier: expect.any(String), estimatedDays: expect.any(Number) }));
			expect(Number.isInteger(res.body.cost)).toBe(true);
		});

		it("POST /api/shipping/quote is 422 for an unknown country or a bad quantity", async () => {
			expectInvalid(await http.post(`${api}/shipping/quote`, { country: "XX", items: [{ productId: catalog[0].id, quantity: 1 }] }), "country");
			expectError(await http.post(`${api}/shipping/quote`, { country: "US", items: [{ productId: catalog[0].id, quantity: 0 }] }), 422);
		});

		it("GET /api/currencies answers at least 4 ISO codes, USD and EUR among them", async () => {
			const res = await http.get(`${api}/currencies`);
			expect(res.status).toBe(200);
			expect(res.body.length).toBeGreaterThanOrEqual(4);
			for (const code of res.body) expect(code).toMatch(/^[A-Z]{3}$/);
			expect(res.body).toEqual(expect.arrayContaining(["USD", "EUR"]));
		});
	});

	it("timestamps that products carry are ISO 8601 strings", async () => {
		const p = (await http.get(`${api}/products/${catalog[0].id}`)).body;
		for (const field of ["createdAt", "updatedAt"]) if (p[field] !== undefined) expect(p[field]).toMatch(ISO);
	});

	it("every product field the contract names is present on each seeded product", () => {
		for (const p of catalog) expect(Object.keys(p)).toEqual(expect.arrayContaining(PRODUCT_FIELDS));
	});
});
