// Reservations through the real inventory service on one in-process broker: the race for the
// last items, all-or-none, idempotency of every call per order id, and books that balance.
// Products is a test double (the catalog lookup for PUT on a product inventory has not seen).
import type { ServiceBroker, ServiceSchema } from "moleculer";
import InventoryService from "../../services/inventory/inventory.service";
import { call } from "../../lib/call";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { unbalanced } from "../support/inventory-books";
import type { StockLedger } from "../../services/inventory/ledger";
import type { OrderLine } from "../../services/inventory/inventory.contract";
import { changeListener, productsKnowing } from "../support/inventory";
import { startBroker } from "../support/broker";

const catalog = new Set<string>();
const ProductsDouble = productsKnowing(catalog);

const heard: string[][] = [];
const Listener = changeListener(heard);

let broker: ServiceBroker;
beforeAll(async () => {
	broker = await startBroker([InventoryService as unknown as ServiceSchema, ProductsDouble, Listener]);
});
afterAll(() => broker.stop());

let serial = 0;
/** A catalog product with `onHand` units, created through the admin's PUT. */
async function product(onHand: number): Promise<string> {
	const id = `prod-${++serial}`;
	catalog.add(id);
	await call(broker, "inventory.set", { productId: id, onHand });
	return id;
}
const orderId = (label: string) => `${label}-${++serial}`;
const reserve = (id: string, lines: OrderLine[]) => call(broker, "inventory.reserve", { orderId: id, lines });
const commit = (id: string) => call(broker, "inventory.commit", { orderId: id });
const release = (id: string) => call(broker, "inventory.release", { orderId: id });
const level = (productId: string) => call(broker, "inventory.get", { productId });
const ledger = () => (broker.getLocalService("inventory") as unknown as { ledger: StockLedger }).ledger;

async function books(): Promise<string[]> {
	const { stock, reservations } = ledger();
	return unbalanced(await stock.find({}), await reservations.find({}));
}

function outcomes<T>(results: PromiseSettledResult<T>[]) {
	const won = results.filter(r => r.status === "fulfilled");
	const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
	return { won: won.length, lost, reasons: new Set(lost.map(r => (r.reason as { type?: string }).type)) };
}

describe("the race for the last items", () => {
	it("sells the last 5 to exactly 5 of 50 shoppers reserving at once", async () => {
		const p = await product(5);
		const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserve(orderId("race"), [{ productId: p, quantity: 1 }])));
		const { won, lost, reasons } = outcomes(results);
		expect(won).toBe(5);
		expect(reasons).toEqual(new Set(["OUT_OF_STOCK"]));
		expect((lost[0].reason as { code: number; data: unknown }).code).toBe(409);
		expect((lost[0].reason as { data: unknown }).data).toEqual({ lines: [{ productId: p, requested: 1, available: 0 }] });
		expect(await level(p)).toEqual({ productId: p, onHand: 5, reserved: 5, available: 0 });
		expect(await books()).toEqual([]);
	});

	it("gives 5 two-product orders both products, and the other 45 neither, whatever order their lines come in", async () => {
		const [p, q] = [await product(5), await product(5)];
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, (_, i) => {
				const lines = [
					{ productId: p, quantity: 1 },
					{ productId: q, quantity: 1 },
				];
				return reserve(orderId("pair"), i % 2 ? lines.reverse() : lines);
			}),
		);
		expect(outcomes(results).won).toBe(5);
		expect((await level(p)).available).toBe(0);
		expect((await level(q)).available).toBe(0);
		expect(await books()).toEqual([]);
	});

	it("never sells a unit twice when single- and two-product orders compete", async () => {
		const [p, plenty] = [await product(5), await product(1000)];
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, (_, i) =>
				reserve(
					orderId("mixed"),
					i % 3 ? [{ productId: p, quantity: 1 }] : [{ productId: plenty, quantity: 2 }, { productId: p, quantity: 1 }],
				),
			),
		);
		expect(outcomes(results).won).toBe(5);
		expect(await level(p)).toMatchObject({ available: 0, reserved: 5 });
		const pairs = results.filter((r, i) => r.status === "fulfilled" && i % 3 === 0).length;
		expect(await level(plenty)).toMatchObject({ available: 1000 - 2 * pairs, reserved: 2 * pairs });
		expect(await books()).toEqual([]);
	});

	it("lets only 2 of 50 shoppers take 2 each from the last 5, and keeps the fifth for sale", async () => {
		const p = await product(5);
		const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserve(orderId("pairs"), [{ productId: p, quantity: 2 }])));
		expect(outcomes(results).won).toBe(2);
		expect(await level(p)).toMatchObject({ available: 1, reserved: 4 });
	});
});

describe("all lines or none", () => {
	it("refuses an order with any short line, names every short line, and holds nothing", async () => {
		const [p, q, r] = [await product(9), await product(3), await product(0)];
		const id = orderId("short");
		const err = await reserve(id, [
			{ productId: p, quantity: 2 },
			{ productId: q, quantity: 5 },
			{ productId: r, quantity: 1 },
		]).catch(e => e);
		expect(err).toMatchObject({ code: 409, type: "OUT_OF_STOCK" });
		expect(err.data.lines).toEqual([
			{ productId: q, requested: 5, available: 3 },
			{ productId: r, requested: 1, available: 0 },
		]);
		expect(await level(p)).toMatchObject({ available: 9, reserved: 0 });
		expect(await level(q)).toMatchObject({ available: 3, reserved: 0 });
		expect(await books()).toEqual([]);
	});

	it("counts a product inventory does not know as out of stock", async () => {
		const err = await reserve(orderId("ghost"), [{ productId: "no-such-product", quantity: 1 }]).catch(e => e);
		expect(err.data.lines).toEqual([{ productId: "no-such-product", requested: 1, available: 0 }]);
	});

	it("holds a refused order once the stock is there, when checkout asks again with the same order id", async () => {
		const p = await product(1);
		const id = orderId("later");
		await expect(reserve(id, [{ productId: p, quantity: 2 }])).rejects.toMatchObject({ type: "OUT_OF_STOCK" });
		await call(broker, "inventory.set", { productId: p, onHand: 2 });
		await expect(reserve(id, [{ productId: p, quantity: 2 }])).resolves.toMatchObject({ status: "held" });
		expect(await level(p)).toMatchObject({ available: 0, reserved: 2 });
	});
});

describe("each call is safe to repeat for the same order", () => {
	it("holds an order's stock once however often it is reserved, one after another", async () => {
		const p = await product(10);
		const id = orderId("twice");
		const first = await reserve(id, [{ productId: p, quantity: 3 }]);
		const again = await reserve(id, [{ productId: p, quantity: 3 }]);
		expect(again).toEqual(first);
		expect(await level(p)).toMatchObject({ available: 7, reserved: 3 });
	});

	it("holds an order's stock once when 20 duplicates of the reservation arrive at the same moment", async () => {
		const p = await product(10);
		const id = orderId("dupes");
		const results = await Promise.allSettled(Array.from({ length: 20 }, () => reserve(id, [{ productId: p, quantity: 3 }])));
		expect(outcomes(results).won).toBe(20);
		expect(await level(p)).toMatchObject({ available: 7, reserved: 3 });
		expect(await books()).toEqual([]);
	});

	it("holds nothing when 20 duplicates of an order that cannot be filled arrive at the same moment", async () => {
		const [p, q] = [await product(10), await product(1)];
		const id = orderId("dupes-short");
		const lines = [
			{ productId: p, quantity: 1 },
			{ productId: q, quantity: 2 },
		];
		const results = await Promise.allSettled(Array.from({ length: 20 }, () => reserve(id, lines)));
		expect(outcomes(results)).toMatchObject({ won: 0, reasons: new Set(["OUT_OF_STOCK"]) });
		expect(await level(p)).toMatchObject({ available: 10, reserved: 0 });
		expect(await level(q)).toMatchObject({ available: 1, reserved: 0 });
		expect(await books()).toEqual([]);
	});

	it("sells once when the commit is repeated, also at the same moment", async () => {
		const p = await product(10);
		const id = orderId("sold");
		await reserve(id, [{ productId: p, quantity: 4 }]);
		const results = await Promise.all(Array.from({ length: 5 }, () => commit(id)));
		expect(results.every(r => r.status === "committed")).toBe(true);
		expect(await commit(id)).toMatchObject({ status: "committed" });
		// Sold units left the shelf: onHand is down, availability was already down since the hold.
		expect(await level(p)).toEqual({ productId: p, onHand: 6, reserved: 0, available: 6 });
		expect(await books()).toEqual([]);
	});

	it("gives held stock back once when the release is repeated, also at the same moment", async () => {
		const p = await product(10);
		const id = orderId("let-go");
		await reserve(id, [{ productId: p, quantity: 4 }]);
		const results = await Promise.all(Array.from({ length: 5 }, () => release(id)));
		expect(results.every(r => r.status === "released")).toBe(true);
		expect(await release(id)).toMatchObject({ status: "released" });
		expect(await level(p)).toEqual({ productId: p, onHand: 10, reserved: 0, available: 10 });
		expect(await books()).toEqual([]);
	});

	it("puts sold stock back once when a committed order is cancelled, however often", async () => {
		const [p, q] = [await product(10), await product(5)];
		const id = orderId("cancel");
		await reserve(id, [
			{ productId: p, quantity: 4 },
			{ productId: q, quantity: 5 },
		]);
		await commit(id);
		expect(await level(q)).toEqual({ productId: q, onHand: 0, reserved: 0, available: 0 });
		await Promise.all([release(id), release(id), release(id)]);
		expect(await release(id)).toMatchObject({ status: "released" });
		expect(await level(p)).toEqual({ productId: p, onHand: 10, reserved: 0, available: 10 });
		expect(await level(q)).toEqual({ productId: q, onHand: 5, reserved: 0, available: 5 });
		await expect(commit(id)).rejects.toMatchObject({ code: 409, type: "RESERVATION_STATE" });
		expect(await books()).toEqual([]);
	});

	it("holds nothing for a reservation that arrives after checkout already released the order", async () => {
		const p = await product(3);
		const id = orderId("overtaken");
		await expect(release(id)).resolves.toMatchObject({ status: "released", lines: [] });
		await expect(reserve(id, [{ productId: p, quantity: 1 }])).rejects.toMatchObject({ code: 409, type: "RESERVATION_STATE" });
		expect(await level(p)).toMatchObject({ available: 3, reserved: 0 });
	});

	it("refuses an order id reused with other lines", async () => {
		const p = await product(5);
		const id = orderId("reused");
		await reserve(id, [{ productId: p, quantity: 1 }]);
		await expect(reserve(id, [{ productId: p, quantity: 2 }])).rejects.toMatchObject({ code: 409, type: "RESERVATION_MISMATCH" });
		expect(await level(p)).toMatchObject({ reserved: 1 });
	});

	it("answers 404 to a commit for an order it never held", async () => {
		await expect(commit(orderId("never"))).rejects.toMatchObject({ code: 404 });
	});

	it("declares reserve, commit and release safe to retry, and availability a read retried once elsewhere", () => {
		const actions = (InventoryService.actions ?? {}) as Record<string, { retryPolicy?: { retries?: number } }>;
		for (const name of ["reserve", "commit", "release"]) expect(actions[name].retryPolicy?.retries).toBe(2);
		expect(actions.availability.retryPolicy?.retries).toBe(1);
	});
});

describe("availability", () => {
	it("starts with stock for every seeded product", async () => {
		const ids = SEED_PRODUCTS.map(p => p.id);
		const available = await call(broker, "inventory.availability", { productIds: ids });
		expect(available).toEqual(Object.fromEntries(SEED_PRODUCTS.map(p => [p.id, p.initialStock])));
	});

	it("answers for many products in one call, leaving out the ones it does not know", async () => {
		const [p, q] = [await product(4), await product(0)];
		await reserve(orderId("avail"), [{ productId: p, quantity: 1 }]);
		expect(await call(broker, "inventory.availability", { productIds: [p, q, "unknown", p] })).toEqual({ [p]: 3, [q]: 0 });
	});

	it("rejects input that is not a list of product ids", async () => {
		await expect(call(broker, "inventory.availability", { productIds: [{ $gt: "" }] as unknown as string[] })).rejects.toMatchObject({ code: 422 });
		await expect(call(broker, "inventory.reserve", { orderId: "has.dot", lines: [{ productId: "x", quantity: 1 }] })).rejects.toMatchObject({ code: 422 });
		await expect(call(broker, "inventory.reserve", { orderId: "fine", lines: [{ productId: "x", quantity: 0 }] })).rejects.toMatchObject({ code: 422 });
		await expect(call(broker, "inventory.reserve", { orderId: "fine", lines: [] })).rejects.toMatchObject({ code: 422 });
	});
});

describe("inventory.changed", () => {
	it("is announced when availability changes: reserve, release, admin set; not for a sale of held stock", async () => {
		const p = await product(5);
		const [sold, freed] = [orderId("ev-sold"), orderId("ev-freed")];
		heard.length = 0;
		await reserve(sold, [{ productId: p, quantity: 1 }]);
		await commit(sold);
		await reserve(freed, [{ productId: p, quantity: 1 }]);
		await release(freed);
		await call(broker, "inventory.set", { productId: p, onHand: 9 });
		// Events arrive in the order sent: once the set's has come, a commit's would have come before it.
		for (let waited = 0; heard.length < 4 && waited < 2_000; waited += 10) await new Promise(resolve => setTimeout(resolve, 10));
		expect(heard).toEqual([[p], [p], [p], [p]]);
	});
});

describe("the books", () => {
	it("balance after hundreds of overlapping reserves, commits, releases and duplicates", async () => {
		const products = [await product(10), await product(10), await product(10)];
		let seed = 42;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];

		const scripts = Array.from({ length: 80 }, () => {
			const id = orderId("mix");
			const lines = products.filter(() => random() < 0.5).map(productId => ({ productId, quantity: 1 + Math.floor(random() * 3) }));
			if (!lines.length) lines.push({ productId: pick(products), quantity: 1 });
			const duplicate = random() < 0.3;
			const next = pick(["commit", "release", "keep", "cancel"]);
			return async () => {
				const held = await Promise.allSettled(duplicate ? [reserve(id, lines), reserve(id, lines)] : [reserve(id, lines)]);
				if (held.some(r => r.status === "rejected" && (r.reason as { type?: string }).type !== "OUT_OF_STOCK")) throw new Error(`unexpected: ${JSON.stringify(held)}`);
				if (next === "commit" || next === "cancel") await Promise.allSettled([commit(id), duplicate ? commit(id) : null]);
				if (next === "release" || next === "cancel") await Promise.all([release(id), duplicate ? release(id) : null]);
			};
		});
		await Promise.all(scripts.map(run => run()));

		expect(await books()).toEqual([]);
		for (const p of products) {
			const doc = (await ledger().stock.findOne({ _id: p }))!;
			expect(doc.available + doc.reserved + doc.sold).toBe(10);
		}
	});
});
