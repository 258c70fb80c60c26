// Search that finds what a shopper means (issue 14), and a read model that follows the writes of
// every products instance (issue 13): checked on the seeded catalog through the actions.
import type { ServiceBroker } from "moleculer";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import ProductsService from "../../services/products/products.service";
import type { Page, Product } from "../../services/products/products.contract";
import type { ProductDoc } from "../../services/products/product";
import type { Store } from "../../mixins/db.mixin";
import { createBroker, startBroker } from "../support/broker";

const bySku = (sku: string) => SEED_PRODUCTS.find(p => p.sku === sku)!.id;
const ADMIN = { meta: { user: { id: "u-admin", role: "admin" } } };

async function search(broker: ServiceBroker, q: string): Promise<string[]> {
	const page = (await broker.call("products.list", { q, pageSize: 100 })) as Page<Product>;
	return page.rows.map(r => r.id).sort();
}

describe("catalog search", () => {
	let broker: ServiceBroker;
	beforeAll(async () => {
		broker = await startBroker([ProductsService]);
	});
	afterAll(() => broker.stop());

	it("finds a product by its plural: 'lamps' finds the desk lamp and the headlamp", async () => {
		expect(await search(broker, "lamps")).toEqual([bySku("OUT-LAMP-3"), bySku("OFF-LAMP-LED")].sort());
	});

	it("forgives a typo: 'kettel' finds the kettle", async () => {
		expect(await search(broker, "kettel")).toEqual([bySku("KIT-KETL-1")]);
	});

	it("finds words inside words: 'phones' finds the headphones, not only what says 'phones'", async () => {
		const found = await search(broker, "phones");
		expect(found).toEqual(expect.arrayContaining([bySku("AUD-HP-ANC"), bySku("AUD-DAC-1"), bySku("APP-GLOVE-T")]));
		// Every one of them says "phone(s)" somewhere, inside a word or on its own.
		for (const id of found) expect(SEED_PRODUCTS.find(p => p.id === id)!.name + SEED_PRODUCTS.find(p => p.id === id)!.description).toMatch(/phone/i);
	});

	it("finds as the shopper types (prefixes of every word), so a page of 5 is a list of suggestions", async () => {
		const page = (await broker.call("products.list", { q: "noise canc", pageSize: 5 })) as Page<Product>;
		expect(page.rows.map(r => r.id)).toEqual([bySku("AUD-HP-ANC")]);
	});
});

describe("the read model of several products instances", () => {
	let writer: ServiceBroker;
	let reader: ServiceBroker;
	const namespace = `catalog-${process.pid}-${Date.now()}`;

	beforeAll(async () => {
		writer = createBroker({ namespace, nodeID: "writer", transporter: "Fake" });
		reader = createBroker({ namespace, nodeID: "reader", transporter: "Fake" });
		writer.createService(ProductsService);
		reader.createService(ProductsService);
		await Promise.all([writer.start(), reader.start()]);
		// A broadcast reaches the instances the writer knows of: wait until it has discovered the reader.
		await until(async () => writer.registry.getServiceList({ onlyAvailable: true }).filter(s => s.name === "products").length === 2);
		// Both instances read one database, as they do on MongoDB: the reader's store reads the writer's.
		const store = (b: ServiceBroker) => (b.getLocalService("products") as unknown as { adapter: Store<ProductDoc> }).adapter;
		store(reader).findByIds = ids => store(writer).findByIds(ids);
	});
	afterAll(() => Promise.all([writer.stop(), reader.stop()]));

	it("shows another instance's new product in pages and searches once it announced it", async () => {
		const created = (await writer.call("products.create", { sku: "TEST-OWL-1", name: "Porcelain Owl", description: "A small owl.", category: "kitchen", price: 1200 }, ADMIN)) as Product;
		expect(await search(writer, "owl")).toEqual([created.id]);
		await until(async () => (await search(reader, "owls")).includes(created.id));

		await writer.call("products.remove", { id: created.id }, ADMIN);
		await until(async () => (await search(reader, "owl")).length === 0);
	});
});

/** Polls `condition` until it holds (the event crosses the transporter asynchronously). */
async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error("condition not met in time");
		await new Promise(resolve => setImmediate(resolve));
	}
}
