import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import MongoAdapter from "moleculer-db-adapter-mongo";
import { config } from "../../lib/config";
import { createAdapter, DbMixin, type Doc, type Store } from "../../mixins/db.mixin";
import { startBroker } from "../support/broker";

interface StockDoc extends Doc {
	available: number;
}

type StoreService = { adapter: Store<StockDoc> };

const StockService = {
	name: "stock-test",
	mixins: [DbMixin("stock", { indexes: [{ fields: ["available"] }] })],
	methods: {
		async seed(this: StoreService) {
			await this.adapter.insert({ _id: "p1", available: 5 });
		},
	},
};

/** "Take `n` only if at least `n` are left", the update every reservation is made of. */
function take(store: Store<StockDoc>, n: number): Promise<number> {
	return store.updateMany({ _id: "p1", available: { $gte: n } }, { $inc: { available: -n } });
}

describe("DbMixin on NeDB files", () => {
	const savedDir = config.dataDir;
	let dir: string;
	let broker: ServiceBroker;
	const store = () => (broker.getLocalService("stock-test") as unknown as StoreService).adapter;

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

	it("keeps each service's collection in a file of its own under DATA_DIR", () => {
		expect(fs.existsSync(path.join(dir, "stock-test", "stock.db"))).toBe(true);
	});

	it("seeds an empty collection once", async () => {
		expect(await store().count()).toBe(1);
	});

	it("never lets two concurrent conditional updates take the same last items", async () => {
		// 5 left; 50 concurrent attempts to take 1 → exactly 5 win, none goes negative.
		const results = await Promise.all(Array.from({ length: 50 }, () => take(store(), 1)));
		expect(results.filter(n => n === 1)).toHaveLength(5);
		expect(results.filter(n => n === 0)).toHaveLength(45);
		expect((await store().findOne({ _id: "p1" }))?.available).toBe(0);
	});

	it("keeps the data across a restart of the service", async () => {
		await broker.stop();
		broker = await startBroker([StockService]);
		expect((await store().findOne({ _id: "p1" }))?.available).toBe(0);
		expect(await store().count()).toBe(1);
	});
});

describe("DbMixin on MongoDB (what can be checked without a server)", () => {
	const saved = config.mongoUri;
	afterEach(() => {
		config.mongoUri = saved;
	});

	it("gives every service a database of its own and keeps string ids as strings", () => {
		config.mongoUri = "mongodb://127.0.0.1:27017";
		const adapter = createAdapter("inventory", "stock") as MongoAdapter & { dbName: string; stringToObjectID(id: string): unknown };
		expect(adapter).toBeInstanceOf(MongoAdapter);
		expect(adapter.dbName).toBe(`${config.namespace}-inventory`);
		expect(adapter.stringToObjectID("507f1f77bcf86cd799439011")).toBe("507f1f77bcf86cd799439011");
		expect(adapter.stringToObjectID("prod-0001abc")).toBe("prod-0001abc");
	});

	it("opens the collection it was asked for, several per service if need be", () => {
		config.mongoUri = "mongodb://127.0.0.1:27017";
		const service = { schema: { name: "users" }, logger: console } as any;
		for (const collection of ["users", "login_failures"]) {
			const adapter = createAdapter("users", collection) as unknown as { init(b: unknown, s: unknown): void; service: { schema: { collection: string } } };
			adapter.init({}, service);
			expect(adapter.service.schema.collection).toBe(collection);
		}
	});

	it("sends the conditional update to MongoDB as it is, and counts what it changed", async () => {
		config.mongoUri = "mongodb://127.0.0.1:27017";
		const adapter = createAdapter("inventory", "stock") as unknown as Store<StockDoc> & { collection: unknown };
		const updateMany = jest.fn(async () => ({ modifiedCount: 1 }));
		adapter.collection = { updateMany };
		await expect(take(adapter, 2)).resolves.toBe(1);
		expect(updateMany).toHaveBeenCalledWith({ _id: "p1", available: { $gte: 2 } }, { $inc: { available: -2 } });
	});

	it("implements every store method the services use", () => {
		config.mongoUri = "mongodb://127.0.0.1:27017";
		const adapter = createAdapter("inventory", "stock") as unknown as Record<string, unknown>;
		for (const method of ["find", "findOne", "findByIds", "count", "insert", "insertMany", "updateMany", "updateById", "removeMany", "removeById", "clear"])
			expect(typeof adapter[method]).toBe("function");
	});
});
