import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { config } from "../../lib/config";
import { MongoStore } from "../../lib/store/mongo-adapter";
import { NedbStore } from "../../lib/store/nedb-adapter";
import { createAdapter, DbMixin, type DbVars, type Doc, type Store } from "../../mixins/db.mixin";
import { startBroker } from "../support/broker";

interface StockDoc extends Doc {
	available: number;
}
interface HoldDoc extends Doc {
	state: string;
}

type StoreService = DbVars & { adapter: Store<StockDoc> };

const SEED: StockDoc[] = Array.from({ length: 6 }, (_, i) => ({ _id: `p${i + 1}`, available: 5 }));

const StockService: ServiceSchema = {
	name: "stock-test",
	mixins: [
		DbMixin<StockDoc>("stock", {
			indexes: [{ fields: ["available"] }],
			collections: { holds: { indexes: [{ fields: ["state"] }] } },
			seed: () => SEED,
		}),
	],
};

/** "Take `n` only if at least `n` are left", the update every reservation is made of. */
function take(store: Store<StockDoc>, n: number): Promise<number> {
	return store.updateMany({ _id: "p1", available: { $gte: n } }, { $inc: { available: -n } });
}

describe("DbMixin on NeDB files", () => {
	const savedDir = config.dataDir;
	let dir: string;
	let broker: ServiceBroker;
	const service = () => broker.getLocalService("stock-test") as unknown as StoreService;
	const store = () => service().adapter;

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-db-"));
		config.dataDir = dir;
		broker = await startBroker([StockService]);
	});
	afterAll(async () => {
		await broker.stop();
		config.dataDir = savedDir;
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it("keeps each collection of a service in a file of its own under DATA_DIR", () => {
		expect(fs.existsSync(path.join(dir, "stock-test", "stock.db"))).toBe(true);
		expect(fs.existsSync(path.join(dir, "stock-test", "holds.db"))).toBe(true);
	});

	it("seeds the collection at the first start", async () => {
		expect(await store().count()).toBe(SEED.length);
	});

	it("gives the service its further collections as this.stores, with the same store API", async () => {
		const holds = service().stores.holds as Store<HoldDoc>;
		await holds.insert({ _id: "h1", state: "held" });
		expect(await holds.updateMany({ _id: "h1", state: "held" }, { $set: { state: "released" } })).toBe(1);
		expect(await holds.find({ query: { state: "released" } })).toEqual([{ _id: "h1", state: "released" }]);
		expect(service().stores.stock).toBe(store());
	});

	it("never lets two concurrent conditional updates take the same last items", async () => {
		// 5 left; 50 concurrent attempts to take 1 → exactly 5 win, none goes negative.
		const results = await Promise.all(Array.from({ length: 50 }, () => take(store(), 1)));
		expect(results.filter(n => n === 1)).toHaveLength(5);
		expect(results.filter(n => n === 0)).toHaveLength(45);
		expect((await store().findOne({ _id: "p1" }))?.available).toBe(0);
	});

	it("reports the store healthy while it is open", async () => {
		await expect(service().healthy()).resolves.toBe(true);
	});

	it("keeps the data across a restart, and does not seed again what was deleted", async () => {
		await store().removeMany({ _id: "p6" });
		await broker.stop();
		broker = await startBroker([StockService]);
		expect((await store().findOne({ _id: "p1" }))?.available).toBe(0);
		expect(await store().count()).toBe(SEED.length - 1);
		expect(await service().stores.holds.count()).toBe(1);
	});

	it("reports the service unhealthy as soon as one of its stores does not answer", async () => {
		await (service().stores.holds as unknown as { disconnect(): Promise<void> }).disconnect();
		await expect(service().healthy()).resolves.toBe(false);
	});
});

describe("DbMixin seeding interrupted half-way", () => {
	const savedDir = config.dataDir;
	let dir: string;
	afterAll(() => {
		config.dataDir = savedDir;
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it("completes the seed at the next start, keeping what was written and changed", async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-db-seed-"));
		config.dataDir = dir;
		// What a node that died after writing half of the seed left behind; one of them sold since.
		const half = createAdapter<StockDoc>("stock-test", "stock");
		await half.connect();
		await half.insertMany(SEED.slice(0, 3).map(doc => ({ ...doc, available: doc._id === "p1" ? 1 : doc.available })));
		await half.disconnect();

		const broker = await startBroker([StockService]);
		try {
			const store = (broker.getLocalService("stock-test") as unknown as StoreService).adapter;
			expect((await store.find({ sort: ["_id"] })).map(d => [d._id, d.available])).toEqual([
				["p1", 1],
				["p2", 5],
				["p3", 5],
				["p4", 5],
				["p5", 5],
				["p6", 5],
			]);
		} finally {
			await broker.stop();
		}
	});
});

describe("DbMixin: which store", () => {
	const saved = { mongoUri: config.mongoUri, dataDir: config.dataDir };
	afterEach(() => Object.assign(config, saved));

	it("gives every service a MongoDB database of its own when MONGO_URI is set", () => {
		config.mongoUri = "mongodb://127.0.0.1:27017";
		const adapter = createAdapter("inventory", "reservations");
		expect(adapter).toBeInstanceOf(MongoStore);
		expect(adapter).toMatchObject({ dbName: `${config.namespace}-inventory`, collectionName: "reservations" });
	});

	it("keeps NeDB in memory when DATA_DIR is :memory:", () => {
		config.mongoUri = null;
		config.dataDir = ":memory:";
		expect(createAdapter("inventory", "stock")).toMatchObject({ filename: null });
		expect(createAdapter("inventory", "stock")).toBeInstanceOf(NedbStore);
	});
});
