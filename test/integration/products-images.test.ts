// A product an admin creates without a picture gets one drawn for it (issue 14: it showed a broken
// image), served by the shop like the seeded products' pictures.
import fs from "node:fs";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { publicDir } from "../../lib/paths";
import { signToken } from "../../lib/tokens";
import ApiService from "../../services/api/api.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const imagesDir = path.join(publicDir, "images", "products");

describe("pictures of new products", () => {
	let broker: ServiceBroker;
	let base: string;
	const drawn: string[] = [];

	beforeAll(async () => {
		broker = await startBroker([ApiService, { ...ProductsService, settings: { ...ProductsService.settings, imagesDir } }]);
		base = gatewayUrl(broker);
	});
	afterAll(async () => {
		await broker.stop();
		for (const file of drawn) fs.rmSync(file, { force: true });
	});

	it("draws a tile for a product created without a picture, and the shop serves it", async () => {
		const res = await http.post(`${base}/api/products`, { sku: "TEST-TILE-1", name: "Enamel Camp Mug", description: "Chip-resistant.", category: "outdoor", price: 1500 }, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body.imageUrl).toBe(`/images/products/${res.body.id}.svg`);
		drawn.push(path.join(imagesDir, `${res.body.id}.svg`));

		const image = await fetch(`${base}${res.body.imageUrl}`);
		expect(image.status).toBe(200);
		expect(image.headers.get("content-type")).toMatch(/image\/svg\+xml/);
		expect(await image.text()).toContain('aria-label="Enamel Camp Mug"');
	});

	it("keeps the picture an admin gives", async () => {
		const res = await http.post(`${base}/api/products`, { sku: "TEST-TILE-2", name: "Own Picture", description: "", category: "outdoor", price: 100, imageUrl: "https://img.example.com/p.png" }, { token: admin });
		expect(res.status).toBe(201);
		expect(res.body.imageUrl).toBe("https://img.example.com/p.png");
		expect(fs.existsSync(path.join(imagesDir, `${res.body.id}.svg`))).toBe(false);
	});
});
