// The products service reads time from its clock (mixins/clock.mixin.ts), so a test can set it.
import type { ServiceBroker } from "moleculer";
import ProductsService from "../../services/products/products.service";
import type { Product } from "../../services/products/products.contract";
import { startBroker } from "../support/broker";

const ADMIN = { meta: { user: { id: "u-admin", role: "admin" } } };

describe("the catalog's clock", () => {
	let broker: ServiceBroker;
	const clock = { now: Date.UTC(2030, 5, 1, 12, 0, 0) };

	beforeAll(async () => {
		broker = await startBroker([{ ...ProductsService, methods: { ...ProductsService.methods, now: () => clock.now } }]);
	});
	afterAll(() => broker.stop());

	it("stamps creations and changes with the service's own time", async () => {
		const created = (await broker.call("products.create", { sku: "TEST-CLOCK-1", name: "Wall Clock", description: "", category: "office", price: 2500 }, ADMIN)) as Product;
		expect(created.createdAt).toBe("2030-06-01T12:00:00.000Z");
		clock.now += 60_000;
		const changed = (await broker.call("products.update", { id: created.id, price: 2400 }, ADMIN)) as Product;
		expect(changed).toEqual(expect.objectContaining({ createdAt: "2030-06-01T12:00:00.000Z", updatedAt: "2030-06-01T12:01:00.000Z" }));
	});
});
