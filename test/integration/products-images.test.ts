// A product an admin creates without a picture gets one (issue 14: it showed a broken image): its
// tile, drawn by the products service when asked for and served by the gateway at the same kind of
// path as the seeded products' files. Nothing is written to disk, so it works on any store and on
// a gateway that shares no disk with the products nodes.
import fs from "node:fs";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { publicDir } from "../../lib/paths";
import { productSvg } from "../../lib/seed-catalog/images";
import { signToken } from "../../lib/tokens";
import ApiService from "../../services/api/api.service";
import ProductsService from "../../services/products/products.service";
import { createBroker, gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const imagesDir = path.join(publicDir, "images", "products");
const mug = { sku: "TEST-TILE-1", name: "Enamel Camp Mug", description: "Chip-resistant.", category: "outdoor", price: 1500 };

describe("pictures of new products", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("gives a product created without a picture its tile, drawn on request, with no file written", async () => {
		const res = await http.post(`${base}/api/products`, mug, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body.imageUrl).toBe(`/images/products/${res.body.id}.svg`);
		expect(fs.existsSync(path.join(imagesDir, `${res.body.id}.svg`))).toBe(false);

		const image = await fetch(`${base}${res.body.imageUrl}`);
		expect(image.status).toBe(200);
		expect(image.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
		expect(image.headers.get("cache-control")).toBe("public, max-age=300");
		expect(image.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
		expect(await image.text()).toBe(productSvg({ ...mug, id: res.body.id }));

		// HEAD (link checkers, caches): the same headers, no body.
		const head = await fetch(`${base}${res.body.imageUrl}`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
		expect(await head.text()).toBe("");
		expect((await fetch(`${base}/images/products/prod-0001.svg`, { method: "HEAD" })).status).toBe(200);

		// Asked again (now from the cache), with the ETag it gave: not modified, nothing sent.
		const etag = image.headers.get("etag");
		expect(etag).toBeTruthy();
		const again = await fetch(`${base}${res.body.imageUrl}`);
		expect(again.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
		expect(again.headers.get("etag")).toBe(etag);
		// As a browser revalidates (fetch would add "no-cache", which asks for the whole answer).
		const revalidated = await fetch(`${base}${res.body.imageUrl}`, { headers: { "If-None-Match": etag!, "Cache-Control": "max-age=0" } });
		expect(revalidated.status).toBe(304);
		expect(await revalidated.text()).toBe("");
	});

	it("draws the tile of a renamed product with its new name", async () => {
		const created = await http.post(`${base}/api/products`, { ...mug, sku: "TEST-TILE-3", name: "Old Name" }, { token: admin });
		expect(await (await fetch(`${base}${created.body.imageUrl}`)).text()).toContain('aria-label="Old Name"');
		expect((await http.patch(`${base}/api/products/${created.body.id}`, { name: "New Name" }, { token: admin })).status).toBe(200);
		expect(await (await fetch(`${base}${created.body.imageUrl}`)).text()).toContain('aria-label="New Name"');
	});

	it("keeps the picture an admin gives", async () => {
		const res = await http.post(`${base}/api/products`, { ...mug, sku: "TEST-TILE-2", name: "Own Picture", imageUrl: "https://img.example.com/p.png" }, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body.imageUrl).toBe("https://img.example.com/p.png");
	});

	it("still sends the seeded products' pictures and the placeholder from public/", async () => {
		for (const file of ["prod-0001.svg", "placeholder.svg"]) {
			const res = await fetch(`${base}/images/products/${file}`);
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
			expect(await res.text()).toBe(fs.readFileSync(path.join(imagesDir, file), "utf8"));
		}
	});

	it("answers 404 for an unknown product and 422 for what cannot be an id, before any read", async () => {
		const unknown = await http.get(`${base}/images/products/prod-00000000-0000-0000-0000-000000000000.svg`);
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual(expect.objectContaining({ name: "NotFoundError", code: 404 }));

		const store = (broker.getLocalService("products") as unknown as { adapter: { findOne: (...a: unknown[]) => unknown } }).adapter;
		const findOne = jest.spyOn(store, "findOne");
		try {
			for (const bad of [`${"x".repeat(65)}.svg`, "a.b.svg", "%3Cscript%3E.svg", "prod-0001x.svg?sku=x"]) {
				const res = await http.get(`${base}/images/products/${bad}`);
				expect(res.status).toBe(422);
			}
			expect(findOne).not.toHaveBeenCalled();
		} finally {
			findOne.mockRestore();
		}
	});
});

describe("pictures through a gateway on another node", () => {
	const namespace = `pictures-${process.pid}-${Date.now()}`;
	let gateway: ServiceBroker;
	let products: ServiceBroker;

	beforeAll(async () => {
		gateway = createBroker({ namespace, nodeID: "gateway", transporter: "Fake" });
		products = createBroker({ namespace, nodeID: "products", transporter: "Fake" });
		gateway.createService(ApiService);
		products.createService(ProductsService);
		await Promise.all([gateway.start(), products.start()]);
		await gateway.waitForServices(["products"], 5_000);
	});
	afterAll(() => Promise.all([gateway.stop(), products.stop()]));

	it("serves a new product's tile drawn on the products node, as an SVG", async () => {
		const base = gatewayUrl(gateway);
		const res = await http.post(`${base}/api/products`, { ...mug, sku: "TEST-TILE-9", name: "Remote Mug" }, { token: admin });
		expect(res.status).toBe(201);
		for (let i = 0; i < 2; i++) {
			const image = await fetch(`${base}${res.body.imageUrl}`);
			expect(image.status).toBe(200);
			expect(image.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
			expect(await image.text()).toContain('aria-label="Remote Mug"');
		}
	});
});
