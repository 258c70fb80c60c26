// Admins create, change and remove products; every change shows on the very next read.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { signToken } from "../../lib/tokens";
import ApiService from "../../services/api/api.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "u-1", email: "c@example.com", role: "customer" });

const announced: string[][] = [];
const Listener: ServiceSchema = {
	name: "listener",
	events: {
		"products.changed"(ctx: any) {
			announced.push(ctx.params.ids);
		},
	},
};

const lamp = { sku: "OFF-LAMP-ARC", name: "Arc Floor Lamp", description: "A brass arc lamp that reaches over a sofa.", category: "office", price: 15900 };

describe("admin edits to the catalog", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, Listener] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("lets only admins create, change or remove products", async () => {
		for (const token of [undefined, customer]) {
			const expected = token ? 403 : 401;
			expect((await http.post(`${base}/api/products`, lamp, { token })).status).toBe(expected);
			expect((await http.patch(`${base}/api/products/prod-0001`, { price: 1 }, { token })).status).toBe(expected);
			expect((await http.del(`${base}/api/products/prod-0001`, { token })).status).toBe(expected);
		}
		expect((await http.get(`${base}/api/products/prod-0001`)).body.price).toBe(8900);
	});

	it("creates a product that lists, searches and counts like the others", async () => {
		const before = await http.get(`${base}/api/categories`);
		const res = await http.post(`${base}/api/products`, lamp, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body).toEqual(expect.objectContaining({ ...lamp, id: expect.stringMatching(/^prod-/), currency: "USD", imageUrl: `/images/products/${res.body.id}.svg` }));
		expect(announced).toContainEqual([res.body.id]);
		// Where the new product lives, as a 201 says (and no warning from the gateway at every create).
		expect(res.headers.get("location")).toBe(`/api/products/${res.body.id}`);

		expect((await http.get(`${base}${res.headers.get("location")}`)).body.name).toBe("Arc Floor Lamp");
		expect((await http.get(`${base}/api/products?q=brass%20arc`)).body.rows.map((r: any) => r.id)).toEqual([res.body.id]);
		const after = await http.get(`${base}/api/categories`);
		const count = (body: any[]) => body.find(c => c.name === "office").count;
		expect(count(after.body)).toBe(count(before.body) + 1);
	});

	it("refuses a second product with the same SKU", async () => {
		const res = await http.post(`${base}/api/products`, { ...lamp, sku: "KIT-CHEF-8" }, { token: admin });
		expect(res.status).toBe(409);
		expect(res.body).toEqual(expect.objectContaining({ code: 409, type: "SKU_TAKEN" }));
		const patch = await http.patch(`${base}/api/products/prod-0002`, { sku: "kit-chef-8" }, { token: admin });
		expect(patch.status).toBe(409);
	});

	it("shows a price change on the next read of the product, of a page and of a search", async () => {
		const id = "prod-0005";
		await http.get(`${base}/api/products/${id}`);
		await http.get(`${base}/api/products?category=kitchen&sort=price`);

		const res = await http.patch(`${base}/api/products/${id}`, { price: 100 }, { token: admin });
		expect(res.status).toBe(200);
		expect(res.body).toEqual(expect.objectContaining({ id, price: 100, name: "End-Grain Walnut Cutting Board" }));

		expect((await http.get(`${base}/api/products/${id}`)).body.price).toBe(100);
		const page = await http.get(`${base}/api/products?category=kitchen&sort=price`);
		expect(page.body.rows[0]).toEqual(expect.objectContaining({ id, price: 100 }));
		expect((await http.get(`${base}/api/products?q=walnut`)).body.rows[0].price).toBe(100);
	});

	it("finds a renamed product by its new name only", async () => {
		const res = await http.patch(`${base}/api/products/prod-0006`, { name: "Ceramic Spice Grinder" }, { token: admin });
		expect(res.status).toBe(200);
		expect((await http.get(`${base}/api/products?q=grinder`)).body.rows.map((r: any) => r.id)).toEqual(["prod-0006"]);
		expect((await http.get(`${base}/api/products?q=pepper`)).body.total).toBe(0);
		// The description did not change, and is still searched.
		expect((await http.get(`${base}/api/products?q=burrs`)).body.rows.map((r: any) => r.id)).toEqual(["prod-0006"]);
	});

	it("removes a product: gone from reads, pages and counts", async () => {
		const total = (await http.get(`${base}/api/products`)).body.total;
		await http.get(`${base}/api/products/prod-0030`);
		const res = await http.del(`${base}/api/products/prod-0030`, { token: admin });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ id: "prod-0030" });
		expect((await http.get(`${base}/api/products/prod-0030`)).status).toBe(404);
		expect((await http.get(`${base}/api/products`)).body.total).toBe(total - 1);
		expect((await http.del(`${base}/api/products/prod-0030`, { token: admin })).status).toBe(404);
		expect((await http.patch(`${base}/api/products/prod-0030`, { price: 5 }, { token: admin })).status).toBe(404);
	});

	it.each([
		["a price in float", { ...lamp, sku: "X-1", price: 19.99 }, "price"],
		["a price as an operator", { ...lamp, sku: "X-2", price: { $gt: 0 } }, "price"],
		["a price as a string", { ...lamp, sku: "X-3", price: "1999" }, "price"],
		["a negative price", { ...lamp, sku: "X-4", price: -1 }, "price"],
		["a field of its own", { ...lamp, sku: "X-5", available: 99 }, "available"],
		["a SKU with spaces", { ...lamp, sku: "X 6" }, "sku"],
		["no name", { ...lamp, sku: "X-7", name: "" }, "name"],
		["a category that is not a slug", { ...lamp, sku: "X-8", category: "Home & Garden" }, "category"],
		["an image on a javascript: URL", { ...lamp, sku: "X-9", imageUrl: "javascript:alert(1)" }, "imageUrl"],
		["an image path leaving the images folder", { ...lamp, sku: "X-10", imageUrl: "/images/../../etc/passwd.svg" }, "imageUrl"],
	])("refuses a product with %s (422)", async (_what, body, field) => {
		const res = await http.post(`${base}/api/products`, body, { token: admin });
		expect(res.status).toBe(422);
		// An unknown field is named in `actual` ($$strict), the others in `field`.
		expect(res.body.data.map((d: any) => d.field ?? d.actual)).toContain(field);
	});

	it("takes a product as the catalog shows it: `currency` in the base currency is accepted", async () => {
		const res = await http.post(`${base}/api/products`, { ...lamp, sku: "OFF-LAMP-USD", currency: "USD" }, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body).toEqual(expect.objectContaining({ sku: "OFF-LAMP-USD", price: lamp.price, currency: "USD" }));
		const lower = await http.post(`${base}/api/products`, { ...lamp, sku: "OFF-LAMP-USD2", currency: "usd" }, { token: admin });
		expect(lower.status).toBe(201);
		const changed = await http.patch(`${base}/api/products/${res.body.id}`, { price: 100, currency: "USD" }, { token: admin });
		expect(changed.status).toBe(200);
	});

	it.each([["EUR"], ["XYZ"], ["US"], ["U$D"]])("refuses a product priced in %s, naming `currency` (422)", async currency => {
		const res = await http.post(`${base}/api/products`, { ...lamp, sku: `OFF-LAMP-${currency.length}X`, currency }, { token: admin });
		expect(res.status).toBe(422);
		expect(res.body.data.map((d: any) => d.field)).toEqual(["currency"]);
		expect((await http.patch(`${base}/api/products/prod-0001`, { price: 1, currency }, { token: admin })).status).toBe(422);
		expect((await http.get(`${base}/api/products/prod-0001`)).body.price).toBe(8900);
	});

	it("refuses a change that changes nothing, or that sets an id", async () => {
		expect((await http.patch(`${base}/api/products/prod-0001`, {}, { token: admin })).status).toBe(422);
		const sneaky = await http.patch(`${base}/api/products/prod-0001`, { _id: "prod-0002", price: 1 }, { token: admin });
		expect(sneaky.status).toBe(422);
		expect((await http.get(`${base}/api/products/prod-0001`)).body.price).toBe(8900);
	});
});
