// The inventory routes of the contract, through the gateway: GET is public, PUT is for admins.
// Products is a test double: PUT asks it whether an id it has no stock for is a real product.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import InventoryService from "../../services/inventory/inventory.service";
import { call } from "../../lib/call";
import type { StockLedger } from "../../services/inventory/ledger";
import { signToken } from "../../lib/tokens";
import { productsKnowing } from "../support/inventory";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const catalog = new Set<string>();
const ProductsDouble = productsKnowing(catalog);

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "u-1", email: "c@example.com", role: "customer" });

let broker: ServiceBroker;
let api: string;
beforeAll(async () => {
	broker = await startBroker([ApiService, InventoryService as unknown as ServiceSchema, ProductsDouble]);
	api = `${gatewayUrl(broker)}/api`;
});
afterAll(() => broker.stop());

let serial = 0;
async function product(onHand: number): Promise<string> {
	const id = `api-prod-${++serial}`;
	catalog.add(id);
	const res = await http.put(`${api}/inventory/${id}`, { onHand }, { token: admin });
	expect(res.status).toBe(200);
	return id;
}

describe("GET /api/inventory/:productId", () => {
	it("shows anyone on hand, reserved and available", async () => {
		const p = await product(5);
		await call(broker, "inventory.reserve", { orderId: `o-${p}`, lines: [{ productId: p, quantity: 2 }] });
		const res = await http.get(`${api}/inventory/${p}`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ productId: p, onHand: 5, reserved: 2, available: 3 });
	});

	it("answers 404 for a product it has no stock for", async () => {
		const res = await http.get(`${api}/inventory/nothing-here`);
		expect(res.status).toBe(404);
		expect(res.body).toMatchObject({ code: 404, type: "NOT_FOUND" });
	});

	it("answers 422 to unknown query parameters, and never lets an operator object through", async () => {
		const p = await product(1);
		expect((await http.get(`${api}/inventory/${p}?verbose=1`)).status).toBe(422);
		expect((await http.get(`${api}/inventory/${p}?where[$ne]=x`)).status).toBe(422);
		// The path's id wins over a query parameter of the same name.
		const res = await http.get(`${api}/inventory/${p}?productId[$ne]=x`);
		expect(res.body).toEqual({ productId: p, onHand: 1, reserved: 0, available: 1 });
	});
});

describe("PUT /api/inventory/:productId", () => {
	it("sets the units on hand for an admin and answers with the new levels", async () => {
		const p = await product(5);
		await call(broker, "inventory.reserve", { orderId: `o-${p}`, lines: [{ productId: p, quantity: 2 }] });
		const res = await http.put(`${api}/inventory/${p}`, { onHand: 12 }, { token: admin });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ productId: p, onHand: 12, reserved: 2, available: 10 });
		expect((await http.get(`${api}/inventory/${p}`)).body).toEqual(res.body);
	});

	it("is for admins only", async () => {
		const p = await product(5);
		expect((await http.put(`${api}/inventory/${p}`, { onHand: 1 })).status).toBe(401);
		expect((await http.put(`${api}/inventory/${p}`, { onHand: 1 }, { token: customer })).status).toBe(403);
		expect((await http.get(`${api}/inventory/${p}`)).body.onHand).toBe(5);
	});

	it("takes only a whole number ≥ 0, and nothing else", async () => {
		const p = await product(5);
		for (const body of [{ onHand: -1 }, { onHand: 2.5 }, { onHand: "7" }, {}, { onHand: { $gt: 0 } }]) {
			const res = await http.put(`${api}/inventory/${p}`, body, { token: admin });
			expect({ body, status: res.status }).toEqual({ body, status: 422 });
			expect(res.body.data).toEqual([expect.objectContaining({ field: "onHand", message: expect.any(String) })]);
		}
		expect((await http.put(`${api}/inventory/${p}`, { onHand: 1, reserved: 0 }, { token: admin })).status).toBe(422);
		expect((await http.get(`${api}/inventory/${p}`)).body.onHand).toBe(5);
	});

	it("refuses (409) to set fewer on hand than open orders hold, and allows exactly that many", async () => {
		const p = await product(5);
		await call(broker, "inventory.reserve", { orderId: `o-${p}`, lines: [{ productId: p, quantity: 3 }] });
		const refused = await http.put(`${api}/inventory/${p}`, { onHand: 2 }, { token: admin });
		expect(refused.status).toBe(409);
		expect(refused.body).toMatchObject({ type: "STOCK_RESERVED", data: { productId: p, onHand: 2, reserved: 3 } });
		const exact = await http.put(`${api}/inventory/${p}`, { onHand: 3 }, { token: admin });
		expect(exact.body).toEqual({ productId: p, onHand: 3, reserved: 3, available: 0 });
	});

	it("creates the stock of a catalog product that has none yet (one an admin just added)", async () => {
		const id = `new-product-${++serial}`;
		catalog.add(id);
		const res = await http.put(`${api}/inventory/${id}`, { onHand: 7 }, { token: admin });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ productId: id, onHand: 7, reserved: 0, available: 7 });
	});

	it("answers 404 for an id the catalog does not know, and creates nothing", async () => {
		const res = await http.put(`${api}/inventory/typo-product`, { onHand: 7 }, { token: admin });
		expect(res.status).toBe(404);
		expect((await http.get(`${api}/inventory/typo-product`)).status).toBe(404);
	});

	it("answers 503 for a new product while the catalog cannot be asked, and still sets known ones", async () => {
		const known = await product(1);
		await broker.destroyService(broker.getLocalService("products")!);
		try {
			const res = await http.put(`${api}/inventory/brand-new`, { onHand: 7 }, { token: admin });
			expect(res.status).toBe(503);
			expect(res.headers.get("retry-after")).toBeTruthy();
			expect((await http.put(`${api}/inventory/${known}`, { onHand: 4 }, { token: admin })).status).toBe(200);
		} finally {
			broker.createService(ProductsDouble);
			await broker.waitForServices("products", 2_000);
		}
	});
});

describe("a product an admin just created", () => {
	const ledger = () => (broker.getLocalService("inventory") as unknown as { ledger: StockLedger }).ledger;

	it("has a stock level of 0 at once, for its editor's GET /api/inventory/:id (issue 14)", async () => {
		const id = `fresh-${++serial}`;
		catalog.add(id); // products.create stored it; its products.changed is still on its way
		const res = await http.get(`${api}/inventory/${id}`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ productId: id, onHand: 0, reserved: 0, available: 0 });
		const set = await http.put(`${api}/inventory/${id}`, { onHand: 4 }, { token: admin });
		expect(set.body).toEqual({ productId: id, onHand: 4, reserved: 0, available: 4 });
	});

	it("gets its stock level when products announces it, before anyone asks", async () => {
		const id = `announced-${++serial}`;
		catalog.add(id);
		await broker.broadcast("products.changed", { ids: [id, "removed-meanwhile"] });
		const giveUpAt = Date.now() + 3_000;
		while (!(await ledger().level(id))) {
			if (Date.now() > giveUpAt) throw new Error(`No stock level for ${id} after products.changed`);
			await new Promise(resolve => setTimeout(resolve, 10));
		}
		expect(await call(broker, "inventory.availability", { productIds: [id, "removed-meanwhile"] })).toEqual({ [id]: 0 });
	});
});
