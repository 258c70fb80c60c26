// The storefront's extras through the gateway (issue 14): "Featured" sorting (the shop's picks,
// then the rest by name), product suggestions while typing, the unread count of messages, and the
// admin's low-stock list. Each route refuses bad input with a 422, never a 500.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import InventoryService from "../../services/inventory/inventory.service";
import NotificationsService from "../../services/notifications/notifications.service";
import ProductsService from "../../services/products/products.service";
import { MemoryMailer } from "../../services/notifications/mailer";
import { SEED_PICKS } from "../../services/products/product";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { call, type ParamsOf } from "../../lib/call";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const ada = { id: "u-ada", email: "ada@example.com", role: "customer" as const };
const adaToken = signToken(ada);
const bobToken = signToken({ id: "u-bob", email: "bob@example.com", role: "customer" });
const bySku = (sku: string) => SEED_PRODUCTS.find(p => p.sku === sku)!;

const Notifications = {
	name: "notifications",
	mixins: [NotificationsService as unknown as ServiceSchema],
	settings: { sweepIntervalMs: 3_600_000 },
	methods: { createMailer: () => new MemoryMailer() },
} as ServiceSchema;

let broker: ServiceBroker;
let api: string;
beforeAll(async () => {
	broker = await startBroker([ApiService, ProductsService, InventoryService, Notifications] as ServiceSchema[]);
	api = `${gatewayUrl(broker)}/api`;
});
afterAll(() => broker.stop());

describe("sort=featured", () => {
	it("shows the shop's picks first, in their order, then the rest by name", async () => {
		const res = await http.get(`${api}/products?sort=featured&pageSize=10`);
		expect(res.status).toBe(200);
		const skus = res.body.rows.map((p: { sku: string }) => p.sku);
		expect(skus.slice(0, SEED_PICKS.length)).toEqual(SEED_PICKS);
		const rest = SEED_PRODUCTS.filter(p => !SEED_PICKS.includes(p.sku)).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
		expect(skus.slice(SEED_PICKS.length)).toEqual(rest.slice(0, 10 - SEED_PICKS.length).map(p => p.sku));
		expect(res.body.rows[0].featured).toBe(1);
	});

	it("follows the admin: a product made a pick moves up, one taken off moves down", async () => {
		const mug = bySku("OFF-NOTE-A5");
		const oven = bySku("KIT-DUTCH-5");
		expect((await http.patch(`${api}/products/${mug.id}`, { featured: 1 }, { token: admin })).body.featured).toBe(1);
		expect((await http.patch(`${api}/products/${oven.id}`, { featured: 0 }, { token: admin })).status).toBe(200);
		const rows = (await http.get(`${api}/products?sort=featured&category=office&pageSize=3`)).body.rows;
		expect(rows[0].sku).toBe("OFF-NOTE-A5");
		const kitchen = (await http.get(`${api}/products?sort=featured&category=kitchen&pageSize=1`)).body.rows;
		expect(kitchen[0].sku).not.toBe("KIT-DUTCH-5");
		await http.patch(`${api}/products/${mug.id}`, { featured: 0 }, { token: admin });
		await http.patch(`${api}/products/${oven.id}`, { featured: 1 }, { token: admin });
	});

	it("refuses a place that is not a whole number from 0 to 999 (422)", async () => {
		const id = bySku("KIT-SCALE-1").id;
		for (const featured of [-1, 1000, 1.5, "3"]) {
			const res = await http.patch(`${api}/products/${id}`, { featured }, { token: admin });
			expect({ featured, status: res.status }).toEqual({ featured, status: 422 });
		}
		expect((await http.get(`${api}/products?sort=featured!`)).status).toBe(422);
	});
});

describe("GET /api/products/suggest", () => {
	const suggest = async (q: string, extra = "") => {
		const res = await http.get(`${api}/products/suggest?q=${encodeURIComponent(q)}${extra}`);
		expect(res.status).toBe(200);
		return res.body as { id: string; name: string; category: string }[];
	};

	it("suggests names for an unfinished word, those starting with it first", async () => {
		const found = await suggest("head");
		expect(found.map(s => s.name)).toEqual(expect.arrayContaining(["Noise-Cancelling Headphones", "Rechargeable Headlamp 350 lm"]));
		expect(found[0]).toEqual({ id: bySku("AUD-HP-ANC").id, name: "Noise-Cancelling Headphones", category: "audio" });
		const names = await suggest("ergo");
		expect(names[0].name).toBe("Ergonomic Mesh Office Chair");
		expect(names.map(s => s.name)).toContain("Vertical Ergonomic Mouse");
	});

	it("forgives a typo, and never gives more than asked (6 unless told)", async () => {
		expect((await suggest("kettel")).map(s => s.name)).toEqual(["Gooseneck Electric Kettle"]);
		expect(await suggest("and")).toHaveLength(6); // in a dozen descriptions
		expect(await suggest("and", "&limit=2")).toHaveLength(2);
		expect(await suggest("zzzzqqq")).toEqual([]);
	});

	it("follows a rename at once (the cached answer is for the old catalog)", async () => {
		const id = bySku("OUT-CHAIR-1").id;
		expect((await suggest("ultralight")).map(s => s.id)).toEqual([id]);
		await http.patch(`${api}/products/${id}`, { name: "Featherweight Camp Chair" }, { token: admin });
		expect(await suggest("ultralight")).toEqual([]);
		expect((await suggest("featherw")).map(s => s.id)).toEqual([id]);
	});

	it("refuses a missing, empty or too long q, a limit out of 1–10 and unknown parameters (422)", async () => {
		for (const query of ["", "?q=", `?q=${"a".repeat(101)}`, "?q=lamp&limit=0", "?q=lamp&limit=11", "?q=lamp&limit=x", "?q=lamp&sort=name", "?q[$ne]=x"]) {
			const res = await http.get(`${api}/products/suggest${query}`);
			expect({ query, status: res.status }).toEqual({ query, status: 422 });
		}
	});
});

describe("unread messages", () => {
	let seq = 0;
	const FACTS = { items: [{ name: "Mug", quantity: 1, unitPrice: 1999, lineTotal: 1999 }], subtotal: 1999, shippingCost: 500, total: 2499, currency: "USD" };
	const enqueue = () => {
		const orderId = `order-extras-${++seq}`;
		const params: ParamsOf<"notifications.enqueue"> = { key: `${orderId}:order.confirmed`, type: "order.confirmed", orderId, userId: ada.id, email: ada.email, order: FACTS };
		return call(broker, "notifications.enqueue", params);
	};
	const unread = async (token = adaToken) => (await http.get(`${api}/notifications/unread`, { token })).body.unread;

	it("counts what the shopper has not seen, and only theirs", async () => {
		expect(await unread()).toBe(0);
		await enqueue();
		await enqueue();
		expect(await unread()).toBe(2);
		expect(await unread(bobToken)).toBe(0);
		const list = (await http.get(`${api}/notifications`, { token: adaToken })).body;
		expect(list[0]).toEqual(expect.objectContaining({ readAt: null, sentAt: expect.any(String) }));
	});

	it("marks seen what the page showed, not a message that came after it", async () => {
		const shown = (await http.get(`${api}/notifications`, { token: adaToken })).body;
		await new Promise(r => setTimeout(r, 5)); // a later createdAt for the next message
		await enqueue();
		const res = await http.post(`${api}/notifications/read`, { upTo: shown[0].createdAt }, { token: adaToken });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ unread: 1 });
		const list = (await http.get(`${api}/notifications`, { token: adaToken })).body;
		expect(list.filter((n: { readAt: string | null }) => n.readAt === null)).toHaveLength(1);
		expect((await http.post(`${api}/notifications/read`, {}, { token: adaToken })).body).toEqual({ unread: 0 });
		expect(await unread()).toBe(0);
	});

	it("asks for a sign-in (401) and refuses a bad upTo or unknown fields (422)", async () => {
		expect((await http.get(`${api}/notifications/unread`)).status).toBe(401);
		expect((await http.post(`${api}/notifications/read`, {})).status).toBe(401);
		for (const body of [{ upTo: "yesterday" }, { upTo: { $gt: "" } }, { userId: "u-bob" }]) {
			const res = await http.post(`${api}/notifications/read`, body, { token: adaToken });
			expect({ body, status: res.status }).toEqual({ body, status: 422 });
		}
		expect((await http.get(`${api}/notifications/unread?userId=u-bob`, { token: adaToken })).status).toBe(422);
	});
});

describe("GET /api/inventory (the admin's stock list)", () => {
	it("lists the lowest stock first, at or below maxAvailable, with names and the whole count", async () => {
		const res = await http.get(`${api}/inventory?maxAvailable=5&pageSize=4`, { token: admin });
		expect(res.status).toBe(200);
		const low = SEED_PRODUCTS.filter(p => p.initialStock <= 5).sort((a, b) => a.initialStock - b.initialStock || a.id.localeCompare(b.id));
		expect(res.headers.get("x-total-count")).toBe(String(low.length));
		expect(res.body.map((r: { productId: string }) => r.productId)).toEqual(low.slice(0, 4).map(p => p.id));
		expect(res.body[0]).toEqual({ productId: low[0].id, onHand: 0, reserved: 0, available: 0, name: low[0].name, sku: low[0].sku });
		const page2 = await http.get(`${api}/inventory?maxAvailable=5&pageSize=4&page=2`, { token: admin });
		expect(page2.body.map((r: { productId: string }) => r.productId)).toEqual(low.slice(4, 8).map(p => p.id));
	});

	it("leaves out a product removed from the catalog, from the page and from the count", async () => {
		const before = await http.get(`${api}/inventory?maxAvailable=0&pageSize=100`, { token: admin });
		const gone = before.body[0].productId;
		expect((await http.del(`${api}/products/${gone}`, { token: admin })).status).toBeLessThan(300);
		const after = await http.get(`${api}/inventory?maxAvailable=0&pageSize=100`, { token: admin });
		expect(after.body.map((r: { productId: string }) => r.productId)).toEqual(before.body.slice(1).map((r: { productId: string }) => r.productId));
		expect(after.headers.get("x-total-count")).toBe(String(before.body.length - 1));
	});

	it("is for admins (401, 403) and refuses bad paging or filters (422)", async () => {
		expect((await http.get(`${api}/inventory`)).status).toBe(401);
		expect((await http.get(`${api}/inventory`, { token: adaToken })).status).toBe(403);
		for (const query of ["?pageSize=101", "?pageSize=0", "?page=0", "?maxAvailable=-1", "?maxAvailable=x", "?sort=available", "?maxAvailable[$gt]=1"]) {
			const res = await http.get(`${api}/inventory${query}`, { token: admin });
			expect({ query, status: res.status }).toEqual({ query, status: 422 });
		}
	});
});
