// The catalog cache against a stock change that lands while a read is in flight. A test-local
// "inventory" answers availability and can hold its answer back, to put the change exactly there.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const stock = new Map<string, number>();
let held: Promise<void> | null = null;
let calls = 0;

/** Reads the figures when asked, then answers only once `held` resolves: an answer already on its way. */
const SlowInventory: ServiceSchema = {
	name: "inventory",
	actions: {
		availability: {
			params: { productIds: { type: "array", items: "string" } },
			async handler(ctx) {
				calls++;
				const answer = Object.fromEntries((ctx.params.productIds as string[]).map(id => [id, stock.get(id) ?? 0]));
				if (held) await held;
				return answer;
			},
		},
	},
};

describe("catalog cache and stock changes", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, SlowInventory] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it("never puts a figure read before a sale back into the cache after it", async () => {
		stock.set("prod-0010", 5);
		let release!: () => void;
		held = new Promise(resolve => (release = resolve));
		const inFlight = http.get(`${base}/api/products/prod-0010`);
		await waitUntil(() => calls === 1);

		stock.set("prod-0010", 3);
		await broker.broadcast("inventory.changed", { productIds: ["prod-0010"] });
		release();
		held = null;
		expect((await inFlight).body.available).toBe(5);

		const next = await http.get(`${base}/api/products/prod-0010`);
		expect(next.body.available).toBe(3);
	});

	it("does the same for pages of products", async () => {
		stock.set("prod-0014", 9);
		await http.get(`${base}/api/products?q=backpack`);
		let release!: () => void;
		held = new Promise(resolve => (release = resolve));
		calls = 0;
		const inFlight = http.get(`${base}/api/products?q=backpack&sort=price`);
		await waitUntil(() => calls === 1);

		stock.set("prod-0014", 4);
		await broker.broadcast("inventory.changed", { productIds: ["prod-0014"] });
		release();
		held = null;
		await inFlight;

		for (const sort of ["price", "name"]) {
			const page = await http.get(`${base}/api/products?q=backpack&sort=${sort}`);
			expect(page.body.rows.find((r: any) => r.id === "prod-0014").available).toBe(4);
		}
	});

	it("cleans everything when told of a change without a usable list of products", async () => {
		stock.set("prod-0012", 2);
		await http.get(`${base}/api/products/prod-0012`);
		stock.set("prod-0012", 1);
		await broker.broadcast("inventory.changed", { productIds: "prod-0012" });
		expect((await http.get(`${base}/api/products/prod-0012`)).body.available).toBe(1);
	});
});

async function waitUntil(check: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !check(); i++) await new Promise(r => setTimeout(r, 5));
	expect(check()).toBe(true);
}
