// `available` on catalog answers, from the real inventory service: one batched call per answer,
// none for a cached one, never stale after a sale, and null (not a failure) while inventory is down.
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import { call } from "../../lib/call";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import ApiService from "../../services/api/api.service";
import InventoryService from "../../services/inventory/inventory.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

/** The productIds of every inventory.availability call that reached the service. */
const availabilityCalls: string[][] = [];
const countAvailabilityCalls: Middleware = {
	localAction(handler: any, action: any) {
		if (action.name !== "inventory.availability") return handler;
		return (ctx: any) => {
			availabilityCalls.push(ctx.params.productIds);
			return handler(ctx);
		};
	},
} as Middleware;

const stockOf = new Map(SEED_PRODUCTS.map(p => [p.id, p.initialStock]));

describe("availability in the catalog", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, InventoryService] as ServiceSchema[], { middlewares: [countAvailabilityCalls] });
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());
	beforeEach(() => {
		availabilityCalls.length = 0;
	});

	it("shows each product's available stock, asked of inventory in one call per page", async () => {
		const res = await http.get(`${base}/api/products?sort=createdAt&pageSize=25`);
		expect(res.status).toBe(200);
		expect(res.body.rows).toHaveLength(25);
		for (const row of res.body.rows) expect(row.available).toBe(stockOf.get(row.id));
		expect(availabilityCalls).toEqual([res.body.rows.map((r: any) => r.id)]);
	});

	it("answers a repeated read from the cache, without asking inventory again", async () => {
		const first = await http.get(`${base}/api/products?category=books`);
		const again = await http.get(`${base}/api/products?category=books`);
		expect(again.body).toEqual(first.body);
		expect(availabilityCalls).toHaveLength(1);
		await http.get(`${base}/api/products/prod-0003`);
		await http.get(`${base}/api/products/prod-0003`);
		expect(availabilityCalls).toHaveLength(2);
	});

	it("shows the new figure right after a sale, on the product and on the pages that list it", async () => {
		const id = "prod-0009"; // Two-Person Backpacking Tent
		const before = await http.get(`${base}/api/products/${id}`);
		const page = await http.get(`${base}/api/products?category=outdoor`);
		expect(page.body.rows.find((r: any) => r.id === id).available).toBe(before.body.available);

		await call(broker, "inventory.reserve", { orderId: "order-stock-1", lines: [{ productId: id, quantity: 2 }] });
		await call(broker, "inventory.commit", { orderId: "order-stock-1" });

		const after = await http.get(`${base}/api/products/${id}`);
		expect(after.body.available).toBe(before.body.available - 2);
		const pageAfter = await http.get(`${base}/api/products?category=outdoor`);
		expect(pageAfter.body.rows.find((r: any) => r.id === id).available).toBe(before.body.available - 2);
	});

	it("keeps other products' cached answers when one product's stock changes", async () => {
		await http.get(`${base}/api/products/prod-0001`);
		await call(broker, "inventory.set", { productId: "prod-0002", onHand: 7 });
		availabilityCalls.length = 0;
		await http.get(`${base}/api/products/prod-0001`);
		expect(availabilityCalls).toHaveLength(0);
		const changed = await http.get(`${base}/api/products/prod-0002`);
		expect(changed.body.available).toBe(7);
	});

	it("gives carts and orders many products in one call, skipping unknown ids, without asking inventory", async () => {
		availabilityCalls.length = 0;
		const products = await call(broker, "products.getMany", { ids: ["prod-0001", "prod-0040", "nope", "prod-0001"] });
		expect(products.map(p => p.id).sort()).toEqual(["prod-0001", "prod-0040"]);
		expect(products.find(p => p.id === "prod-0040")).toEqual(expect.objectContaining({ name: SEED_PRODUCTS[39].name, price: SEED_PRODUCTS[39].price, available: null }));
		expect(availabilityCalls).toHaveLength(0);
	});

	it("answers carts' product reads without the store or the cache, whatever stock does", async () => {
		const store = (broker.getLocalService("products") as unknown as { adapter: { findByIds(ids: string[]): Promise<unknown> } }).adapter;
		const reads = jest.spyOn(store, "findByIds");
		const cacherGets = jest.spyOn(broker.cacher!, "get");
		// A clean by pattern scans every cached key: stale answers are left to their moved keys and TTL.
		const cleans = jest.spyOn(broker.cacher!, "clean");
		for (let i = 0; i < 20; i++) {
			await broker.broadcast("inventory.changed", { productIds: ["prod-0001"] });
			expect((await call(broker, "products.getMany", { ids: ["prod-0001", "prod-0002"] })).map(p => p.id).sort()).toEqual(["prod-0001", "prod-0002"]);
		}
		expect(reads).not.toHaveBeenCalled();
		expect(cleans).not.toHaveBeenCalled();
		expect(cacherGets.mock.calls.filter(([key]) => String(key).startsWith("products.getMany"))).toHaveLength(0);
		for (const spy of [reads, cacherGets, cleans]) spy.mockRestore();
	});

	it("answers with available: null while inventory is down, and with figures again once it is back", async () => {
		await broker.destroyService(broker.getLocalService("inventory"));

		const list = await http.get(`${base}/api/products?category=kitchen`);
		expect(list.status).toBe(200);
		expect(list.body.total).toBe(8);
		expect(list.body.rows.every((r: any) => r.available === null)).toBe(true);
		const one = await http.get(`${base}/api/products/prod-0004`);
		expect(one.status).toBe(200);
		expect(one.body).toEqual(expect.objectContaining({ id: "prod-0004", price: 6900, available: null }));

		broker.createService(InventoryService);
		await broker.waitForServices(["inventory"]);
		const back = await http.get(`${base}/api/products/prod-0004`);
		expect(back.body.available).toBe(stockOf.get("prod-0004"));
		const listBack = await http.get(`${base}/api/products?category=kitchen`);
		expect(listBack.body.rows.every((r: any) => typeof r.available === "number")).toBe(true);
	});
});
