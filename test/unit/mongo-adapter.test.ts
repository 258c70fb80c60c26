// What our MongoDB adapter sends to the driver, checked on a fake client that records every call
// (no MongoDB server runs here; the store contract suite runs against a real one when
// MONGO_TEST_URI is set).
import type { Db } from "mongodb";
import { MongoClients, MongoStore, type MongoClientLike } from "../../lib/store/mongo-adapter";
import type { Doc } from "../../lib/store/store";

interface Item extends Doc {
	available: number;
}

type Call = [method: string, ...args: unknown[]];

/** A collection that records what it is asked and answers like MongoDB 6 would. */
function fakeCollection(calls: Call[]) {
	const record =
		(method: string, answer: unknown = {}) =>
		(...args: unknown[]) => {
			calls.push([method, ...args]);
			return Promise.resolve(answer);
		};
	const cursor = {
		sort: (s: unknown) => (calls.push(["sort", s]), cursor),
		skip: (n: unknown) => (calls.push(["skip", n]), cursor),
		limit: (n: unknown) => (calls.push(["limit", n]), cursor),
		toArray: () => Promise.resolve([]),
	};
	return {
		createIndex: record("createIndex", "index"),
		find: (...args: unknown[]) => (calls.push(["find", ...args]), cursor),
		findOne: record("findOne", null),
		countDocuments: record("countDocuments", 0),
		insertOne: record("insertOne", { acknowledged: true }),
		insertMany: record("insertMany", { acknowledged: true }),
		updateMany: record("updateMany", { matchedCount: 3, modifiedCount: 2 }),
		findOneAndUpdate: record("findOneAndUpdate", { _id: "a", available: 1 }),
		deleteMany: record("deleteMany", { deletedCount: 4 }),
		deleteOne: record("deleteOne", { deletedCount: 1 }),
	};
}

function fakeClient(calls: Call[], opts: { failFirstConnects?: number; ping?: Promise<unknown> } = {}) {
	let failures = opts.failFirstConnects ?? 0;
	const collection = fakeCollection(calls);
	const client = {
		connect: jest.fn(async () => {
			if (failures-- > 0) throw new Error("connect ECONNREFUSED 127.0.0.1:27017");
		}),
		db: jest.fn((name: string) => {
			calls.push(["db", name]);
			return {
				collection: (c: string) => (calls.push(["collection", c]), collection),
				command: (cmd: unknown) => (calls.push(["command", cmd]), opts.ping ?? Promise.resolve({ ok: 1 })),
			} as unknown as Db;
		}),
		close: jest.fn(async () => undefined),
	};
	return client satisfies MongoClientLike;
}

async function connected(opts: Parameters<typeof fakeClient>[1] = {}) {
	const calls: Call[] = [];
	const client = fakeClient(calls, opts);
	const store = new MongoStore<Item>({ uri: "mongodb://db", dbName: "shop-inventory", collection: "stock", clients: new MongoClients(() => client) });
	await store.connect();
	calls.length = 0;
	return { store, calls, client };
}

describe("MongoStore: what it sends to the driver", () => {
	it("creates indexes whose options hold only booleans that are switched on", async () => {
		const { store, calls } = await connected();
		await store.ensureIndex({ fields: ["state"] });
		await store.ensureIndex({ fields: ["email"], unique: true });
		await store.ensureIndex({ fields: ["sweepAt"], sparse: true, unique: undefined });
		await store.ensureIndex({ fields: ["userId", "createdAt"], unique: false });
		expect(calls).toEqual([
			["createIndex", { state: 1 }, {}],
			["createIndex", { email: 1 }, { unique: true }],
			["createIndex", { sweepAt: 1 }, { sparse: true }],
			["createIndex", { userId: 1, createdAt: 1 }, {}],
		]);
		for (const [, , options] of calls) for (const value of Object.values(options as object)) expect(value).toBe(true);
	});

	it("asks a majority to acknowledge every write", async () => {
		const { store, calls } = await connected();
		await store.insert({ _id: "a", available: 1 });
		await store.insertMany([{ _id: "b", available: 1 }]);
		await store.updateMany({ _id: "a" }, { $inc: { available: -1 } });
		await store.updateById("a", { $set: { available: 3 } });
		await store.removeMany({ available: 0 });
		await store.removeById("b");
		await store.clear();
		const writes = calls.filter(([method]) => !["find", "findOne", "countDocuments"].includes(method));
		expect(writes.map(([method]) => method)).toEqual(["insertOne", "insertMany", "updateMany", "findOneAndUpdate", "deleteMany", "deleteOne", "deleteMany"]);
		for (const call of writes) expect(call[call.length - 1]).toMatchObject({ writeConcern: { w: "majority" } });
	});

	it("answers the conditional update with the count of documents it changed, as the services expect", async () => {
		const { store, calls } = await connected();
		await expect(store.updateMany({ _id: "p1", available: { $gte: 2 } }, { $inc: { available: -2 } })).resolves.toBe(2);
		expect(calls[0]).toEqual(["updateMany", { _id: "p1", available: { $gte: 2 } }, { $inc: { available: -2 } }, expect.anything()]);
	});

	it("returns the document after an update by id, and counts what it removed", async () => {
		const { store, calls } = await connected();
		await expect(store.updateById("a", { $set: { available: 1 } })).resolves.toEqual({ _id: "a", available: 1 });
		expect(calls[0][3]).toMatchObject({ returnDocument: "after" });
		await expect(store.removeMany({})).resolves.toBe(4);
		await expect(store.removeById("a")).resolves.toBe(1);
	});

	it("keeps string ids as strings, even those that look like ObjectIds", async () => {
		const { store, calls } = await connected();
		await store.insert({ _id: "507f1f77bcf86cd799439011", available: 1 });
		await store.findByIds(["507f1f77bcf86cd799439011", "prod-0001"]);
		expect(calls[0][1]).toEqual({ _id: "507f1f77bcf86cd799439011", available: 1 });
		expect(calls[1]).toEqual(["find", { _id: { $in: ["507f1f77bcf86cd799439011", "prod-0001"] } }]);
	});

	it("sorts, skips and limits on the server", async () => {
		const { store, calls } = await connected();
		await store.find({ query: { category: "mugs" }, sort: ["-price", "_id"], offset: 20, limit: 10 });
		expect(calls).toEqual([["find", { category: "mugs" }], ["sort", { price: -1, _id: 1 }], ["skip", 20], ["limit", 10]]);
	});

	it("opens the database of its service and the collection it was asked for", async () => {
		const calls: Call[] = [];
		const client = fakeClient(calls);
		await new MongoStore({ uri: "mongodb://db", dbName: "shop-users", collection: "login_failures", clients: new MongoClients(() => client) }).connect();
		expect(calls).toEqual([["db", "shop-users"], ["collection", "login_failures"]]);
	});
});

describe("MongoStore: connections", () => {
	it("retries a failed connect on the same client instead of opening a new one each time", async () => {
		const calls: Call[] = [];
		const client = fakeClient(calls, { failFirstConnects: 2 });
		const create = jest.fn(() => client);
		const store = new MongoStore({ uri: "mongodb://db", dbName: "shop-orders", collection: "orders", clients: new MongoClients(create) });
		await expect(store.connect()).rejects.toThrow("ECONNREFUSED");
		await expect(store.connect()).rejects.toThrow("ECONNREFUSED");
		await store.connect();
		expect(create).toHaveBeenCalledTimes(1);
		expect(client.connect).toHaveBeenCalledTimes(3);
	});

	it("shares one client between the collections of a node and closes it after the last one", async () => {
		const calls: Call[] = [];
		const client = fakeClient(calls);
		const create = jest.fn(() => client);
		const clients = new MongoClients(create);
		const stock = new MongoStore({ uri: "mongodb://db", dbName: "shop-inventory", collection: "stock", clients });
		const reservations = new MongoStore({ uri: "mongodb://db", dbName: "shop-inventory", collection: "reservations", clients });
		await Promise.all([stock.connect(), reservations.connect()]);
		expect(create).toHaveBeenCalledTimes(1);
		await stock.disconnect();
		expect(client.close).not.toHaveBeenCalled();
		await reservations.disconnect();
		await reservations.disconnect(); // a second stop changes nothing
		expect(client.close).toHaveBeenCalledTimes(1);
	});

	it("answers a ping when the server does, and fails it when the server does not answer in time", async () => {
		await expect((await connected()).store.ping(1_000)).resolves.toBeUndefined();
		const silent = await connected({ ping: new Promise(() => undefined) });
		await expect(silent.store.ping(20)).rejects.toThrow("did not answer a ping within 20 ms");
		await expect(new MongoStore({ uri: "mongodb://db", dbName: "x", collection: "y" }).ping(20)).rejects.toThrow("not connected");
	});
});
