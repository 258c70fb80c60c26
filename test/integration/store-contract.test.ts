// One contract for every store adapter: the same tests on NeDB in memory, NeDB in a file, and —
// when MONGO_TEST_URI is set (e.g. mongodb://127.0.0.1:27017) — a real MongoDB. Without that
// variable the MongoDB variant is not defined at all: no MongoDB server runs where `npm test` runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { MongoStore } from "../../lib/store/mongo-adapter";
import { NedbStore } from "../../lib/store/nedb-adapter";
import { seedOnce, type SeedMark } from "../../lib/store/seed";
import { isDuplicateKey, type Doc, type StoreAdapter } from "../../lib/store/store";

interface Item extends Doc {
	name: string;
	price: number;
	available?: number;
	email?: string;
	claim?: { id: string } | null;
}

type Open = <T extends Doc>(collection: string) => Promise<StoreAdapter<T>>;

const item = (i: number, extra: Partial<Item> = {}): Item => ({ _id: `item-${String(i).padStart(2, "0")}`, name: `Item ${i}`, price: (i % 4) * 100, ...extra });

function storeContract(kind: string, setup: { open: Open; done?: () => Promise<void> }): void {
	describe(`store contract on ${kind}`, () => {
		const opened: StoreAdapter<Doc>[] = [];
		let n = 0;
		/** A fresh, connected collection for each test. */
		async function fresh<T extends Doc = Item>(): Promise<StoreAdapter<T>> {
			const store = await setup.open<T>(`c${++n}`);
			opened.push(store as unknown as StoreAdapter<Doc>);
			return store;
		}
		afterEach(async () => {
			await Promise.all(opened.splice(0).map(s => s.disconnect()));
		});
		afterAll(async () => {
			await setup.done?.();
		});

		it("keeps the string ids it is given, even ones that look like ObjectIds", async () => {
			const store = await fresh();
			await store.insert(item(1, { _id: "507f1f77bcf86cd799439011" }));
			await store.insert(item(2));
			const found = await store.findOne({ _id: "507f1f77bcf86cd799439011" });
			expect(found?._id).toBe("507f1f77bcf86cd799439011");
			expect(typeof found?._id).toBe("string");
			expect((await store.findByIds(["item-02", "missing", "507f1f77bcf86cd799439011"])).map(d => d._id).sort()).toEqual(["507f1f77bcf86cd799439011", "item-02"]);
			await expect(store.findOne({ _id: "missing" })).resolves.toBeNull();
		});

		it("refuses a second document with the same id", async () => {
			const store = await fresh();
			await store.insert(item(1));
			const err = await store.insert(item(1, { name: "again" })).catch((e: unknown) => e);
			expect(isDuplicateKey(err)).toBe(true);
			expect((await store.findOne({ _id: "item-01" }))?.name).toBe("Item 1");
		});

		it("refuses a duplicate on a unique index, by insert or by update", async () => {
			const store = await fresh();
			await store.ensureIndex({ fields: ["email"], unique: true });
			await store.insert(item(1, { email: "a@shop.test" }));
			await store.insert(item(2, { email: "b@shop.test" }));
			expect(isDuplicateKey(await store.insert(item(3, { email: "a@shop.test" })).catch((e: unknown) => e))).toBe(true);
			expect(isDuplicateKey(await store.updateById("item-02", { $set: { email: "a@shop.test" } }).catch((e: unknown) => e))).toBe(true);
			expect((await store.findOne({ _id: "item-02" }))?.email).toBe("b@shop.test");
			expect(await store.count()).toBe(2);
		});

		it("lets any number of documents go without the field of a sparse unique index", async () => {
			const store = await fresh();
			await store.ensureIndex({ fields: ["email"], unique: true, sparse: true });
			await store.insertMany([item(1), item(2), item(3, { email: "c@shop.test" })]);
			expect(isDuplicateKey(await store.insert(item(4, { email: "c@shop.test" })).catch((e: unknown) => e))).toBe(true);
			expect(await store.count({ query: { email: { $exists: false } } })).toBe(2);
		});

		it("creates the same index twice without complaint (every start does)", async () => {
			const store = await fresh();
			await store.ensureIndex({ fields: ["price"] });
			await store.ensureIndex({ fields: ["price"] });
			await store.ensureIndex({ fields: ["email"], unique: true, sparse: true });
			await store.ensureIndex({ fields: ["email"], unique: true, sparse: true });
		});

		it("sorts on several fields, then skips and limits, as a paged list does", async () => {
			const store = await fresh();
			await store.insertMany(Array.from({ length: 12 }, (_, i) => item(i + 1)));
			const page = await store.find({ query: { price: { $gte: 100 } }, sort: ["-price", "_id"], offset: 2, limit: 4 });
			// price 300: items 3, 7, 11; price 200: items 2, 6, 10; price 100: 1, 5, 9
			expect(page.map(d => d._id)).toEqual(["item-11", "item-02", "item-06", "item-10"]);
			expect((await store.find({ sort: ["name"], limit: 2 })).map(d => d.name)).toEqual(["Item 1", "Item 10"]);
		});

		it("counts all documents, and those a query matches", async () => {
			const store = await fresh();
			await store.insertMany(Array.from({ length: 12 }, (_, i) => item(i + 1)));
			expect(await store.count()).toBe(12);
			expect(await store.count({ query: { price: 0 } })).toBe(3);
			expect(await store.count({ query: { _id: { $in: ["item-01", "item-02", "nope"] } } })).toBe(2);
		});

		it("never lets concurrent conditional updates take the same last items", async () => {
			const store = await fresh();
			await store.insert(item(1, { available: 5 }));
			const take = () => store.updateMany({ _id: "item-01", available: { $gte: 1 } }, { $inc: { available: -1 } });
			const results = await Promise.all(Array.from({ length: 40 }, take));
			expect(results.filter(r => r === 1)).toHaveLength(5);
			expect(results.filter(r => r === 0)).toHaveLength(35);
			expect((await store.findOne({ _id: "item-01" }))?.available).toBe(0);
		});

		it("gives a claim to exactly one of many concurrent claimers", async () => {
			const store = await fresh();
			await store.insert(item(1, { claim: null }));
			const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => store.updateMany({ _id: "item-01", claim: null }, { $set: { claim: { id: `c${i}` } } })));
			expect(claims.reduce((a, b) => a + b, 0)).toBe(1);
			const winner = (await store.findOne({ _id: "item-01" }))?.claim?.id;
			expect(await store.updateMany({ _id: "item-01", "claim.id": winner }, { $unset: { claim: true } })).toBe(1);
			expect(await store.findOne({ _id: "item-01" })).not.toHaveProperty("claim");
		});

		it("counts the documents an update changed, and returns a document updated by id", async () => {
			const store = await fresh();
			await store.insertMany([item(1), item(2), item(3)]);
			expect(await store.updateMany({ price: { $gte: 200 } }, { $set: { name: "dear" } })).toBe(2);
			expect(await store.updateMany({ _id: "nope" }, { $set: { name: "x" } })).toBe(0);
			await expect(store.updateById("item-01", { $set: { price: 150 }, $inc: { available: 2 } })).resolves.toMatchObject({ _id: "item-01", price: 150, available: 2 });
			await expect(store.updateById("nope", { $set: { price: 1 } })).resolves.toBeNull();
		});

		it("removes what a query matches, one by id, or everything, and says how many", async () => {
			const store = await fresh();
			await store.insertMany(Array.from({ length: 6 }, (_, i) => item(i + 1)));
			expect(await store.removeMany({ price: { $lte: 100 } })).toBe(3);
			expect(await store.removeById("item-02")).toBe(1);
			expect(await store.removeById("item-02")).toBe(0);
			expect(await store.clear()).toBe(2);
			expect(await store.count()).toBe(0);
		});

		it("completes a seed that a crash interrupted, and never seeds again once done", async () => {
			const store = await fresh();
			const marks = await fresh<SeedMark>();
			const seed = Array.from({ length: 5 }, (_, i) => item(i + 1));
			await store.insertMany(seed.slice(0, 2)); // the crash came after two
			await store.updateById("item-01", { $set: { price: 999 } }); // and the admin changed one since
			expect(await seedOnce(store, marks, "items", seed)).toBe(3);
			expect((await store.find({ sort: ["_id"] })).map(d => [d._id, d.price])).toEqual([
				["item-01", 999],
				["item-02", 200],
				["item-03", 300],
				["item-04", 0],
				["item-05", 100],
			]);
			await store.removeById("item-05");
			expect(await seedOnce(store, marks, "items", seed)).toBe(0);
			expect(await store.count()).toBe(4);
		});

		it("seeds once when two nodes start at the same moment", async () => {
			const store = await fresh();
			const marks = await fresh<SeedMark>();
			const seed = Array.from({ length: 20 }, (_, i) => item(i + 1));
			const [a, b] = await Promise.all([seedOnce(store, marks, "items", seed), seedOnce(store, marks, "items", seed)]);
			expect(a + b).toBe(20);
			expect(await store.count()).toBe(20);
		});

		it("reads every document at once, after the writes asked for before", async () => {
			const store = await fresh();
			await store.insertMany([item(1), item(2), item(3)]);
			const writes = [store.updateById("item-01", { $set: { price: 150 } }), store.removeById("item-02"), store.insert(item(4))];
			const all = await store.readAll();
			await Promise.all(writes);
			expect(all.map(d => [d._id, d.price]).sort()).toEqual([
				["item-01", 150],
				["item-03", 300],
				["item-04", 0],
			]);
		});

		it("answers a ping while connected, and refuses work once disconnected", async () => {
			const store = await fresh();
			await expect(store.ping(2_000)).resolves.toBeUndefined();
			await store.disconnect();
			await expect(store.ping(2_000)).rejects.toThrow();
			await expect(store.count()).rejects.toThrow();
		});
	});
}

storeContract("NeDB in memory", { open: async () => connected(new NedbStore(null)) });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "store-contract-"));
storeContract("NeDB files", {
	open: async collection => connected(new NedbStore(path.join(dir, `${collection}.db`))),
	done: async () => fs.rmSync(dir, { recursive: true, force: true }),
});

// Only defined when a MongoDB is given: `MONGO_TEST_URI=mongodb://127.0.0.1:27017 npx jest store-contract`.
const mongoUri = process.env.MONGO_TEST_URI;
if (mongoUri) {
	const dbName = `shop-contract-${process.pid}-${Date.now()}`;
	storeContract(`MongoDB (${mongoUri.replace(/\/\/[^@/]*@/, "//…@")})`, {
		open: async collection => connected(new MongoStore({ uri: mongoUri, dbName, collection })),
		done: async () => {
			const client = await MongoClient.connect(mongoUri);
			await client.db(dbName).dropDatabase();
			await client.close();
		},
	});
}

async function connected<T extends Doc>(store: StoreAdapter<T>): Promise<StoreAdapter<T>> {
	await store.connect();
	return store;
}
