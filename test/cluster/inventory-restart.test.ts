// Inventory as its own process with its NeDB files on disk: a reservation outlives a kill -9 of
// its node while its time lasts, and one whose time ran out while the node was dead has given
// its stock back by the time the node answers again.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { call } from "../../lib/call";
import { TestCluster } from "../support/cluster";

const SHORT_TTL_MS = 1_500;
const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;

describe("inventory across a crash of its node", () => {
	const cluster = new TestCluster();
	const available = async () => (await call(cluster.observer, "inventory.availability", { productIds: [product.id] }))[product.id];

	beforeAll(() => cluster.start());
	afterAll(() => cluster.stop(), 30_000);

	it("gives back the stock of a reservation whose time ran out while its node was dead", async () => {
		await cluster.startNode("inv-short", { services: ["inventory"], env: { RESERVATION_TTL_MS: String(SHORT_TTL_MS) } });
		const held = await call(cluster.observer, "inventory.reserve", { orderId: "crash-1", lines: [{ productId: product.id, quantity: 2 }] });
		expect(held.status).toBe("held");
		expect(await available()).toBe(product.initialStock - 2);

		cluster.kill("inv-short");
		await new Promise(resolve => setTimeout(resolve, SHORT_TTL_MS + 500));
		await cluster.restart("inv-short");

		// The first answer after the restart already has the stock back: the sweep runs before the service is published.
		expect(await available()).toBe(product.initialStock);
		expect(await call(cluster.observer, "inventory.get", { productId: product.id })).toEqual({
			productId: product.id,
			onHand: product.initialStock,
			reserved: 0,
			available: product.initialStock,
		});
		await expect(call(cluster.observer, "inventory.commit", { orderId: "crash-1" })).rejects.toMatchObject({ type: "RESERVATION_EXPIRED" });
		await cluster.stopNode("inv-short");
	}, 60_000);

	it("keeps a reservation through a kill -9 while its time lasts, and sells it once after the restart", async () => {
		await cluster.startNode("inv-long", { services: ["inventory"] }); // the default TTL: 15 minutes
		await call(cluster.observer, "inventory.reserve", { orderId: "crash-2", lines: [{ productId: product.id, quantity: 3 }] });

		cluster.kill("inv-long");
		await cluster.restart("inv-long");

		expect(await available()).toBe(product.initialStock - 3);
		// Checkout's retry of the reservation finds it held, and holds nothing more.
		await expect(call(cluster.observer, "inventory.reserve", { orderId: "crash-2", lines: [{ productId: product.id, quantity: 3 }] })).resolves.toMatchObject({ status: "held" });
		await expect(call(cluster.observer, "inventory.commit", { orderId: "crash-2" })).resolves.toMatchObject({ status: "committed" });
		expect(await call(cluster.observer, "inventory.get", { productId: product.id })).toEqual({
			productId: product.id,
			onHand: product.initialStock - 3,
			reserved: 0,
			available: product.initialStock - 3,
		});
	}, 60_000);
});
