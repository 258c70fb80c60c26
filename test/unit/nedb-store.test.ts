// The NeDB file store: writes through one open file, those of one moment in one write, each in
// the file before its promise resolves.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { NedbStore } from "../../lib/store/nedb-adapter";
import type { Doc } from "../../lib/store/store";

interface Item extends Doc {
	n: number;
}

let dir: string;
let file: string;
let store: NedbStore<Item>;

beforeEach(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), "nedb-store-"));
	file = path.join(dir, "items.db");
	store = new NedbStore<Item>(file);
	await store.connect();
});
afterEach(async () => {
	jest.restoreAllMocks();
	await store.disconnect();
	fs.rmSync(dir, { recursive: true, force: true });
});

const inFile = (id: string) => fs.readFileSync(file, "utf8").includes(`"_id":"${id}"`);

describe("NedbStore on a file", () => {
	it("keeps an index of several fields as one of its first field, which queries by it use, and refuses a unique one", async () => {
		// NeDB 3.1 has no compound index: given the list, it read it as the path n.m, every document
		// under one undefined key that each write scanned, and no query used it.
		await store.ensureIndex({ fields: ["n", "m"] });
		const indexes = () => (store as unknown as { db: { indexes: Record<string, { getMatching(v: unknown): unknown[] }> } }).db.indexes;
		expect(Object.keys(indexes()).sort()).toEqual(["_id", "n"]);
		await store.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `i${i}`, n: i % 5 })));
		const byN = jest.spyOn(indexes().n, "getMatching");
		expect((await store.find({ query: { n: 3 } })).length).toBe(10);
		expect(byN).toHaveBeenCalled();
		await store.dropOtherIndexes([{ fields: ["n", "m"] }]);
		expect(Object.keys(indexes()).sort()).toEqual(["_id", "n"]);
		await expect(store.ensureIndex({ fields: ["n", "m"], unique: true })).rejects.toThrow(/unique together/);
	});

	it("finds a document by its id, not by another indexed field the query also names", async () => {
		await store.ensureIndex({ fields: ["n"] });
		await store.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: `i${i}`, n: 0 })));
		// NeDB reads candidates from the index of one exact field of the query: with `n` it would
		// read all 500 documents that share n = 0 to change one.
		const indexes = (store as unknown as { db: { indexes: Record<string, { getMatching(v: unknown): unknown[] }> } }).db.indexes;
		const byN = jest.spyOn(indexes.n, "getMatching");
		expect(await store.updateMany({ _id: "i7", n: 0 }, { $set: { n: 1 } })).toBe(1);
		expect(await store.findOne({ _id: "i7", n: 1 })).toMatchObject({ _id: "i7", n: 1 });
		expect(await store.count({ query: { _id: "i8", n: 0 } })).toBe(1);
		expect(byN).not.toHaveBeenCalled();
	});

	it("opens its file once for many writes, and writes those of one moment together", async () => {
		const opens = jest.spyOn(fs, "openSync");
		const appends = jest.spyOn(fs, "writeSync");
		const pooled = [jest.spyOn(fsp, "open"), jest.spyOn(fsp, "appendFile"), jest.spyOn(fs, "appendFile")];
		await Promise.all(Array.from({ length: 50 }, (_, i) => store.insert({ _id: `i${i}`, n: i })));
		await Promise.all(Array.from({ length: 50 }, (_, i) => store.updateMany({ _id: `i${i}` }, { $inc: { n: 1 } })));
		expect(opens.mock.calls.filter(([name]) => name === file)).toHaveLength(1);
		expect(appends.mock.calls.length).toBeLessThanOrEqual(10);
		expect(appends.mock.calls.length).toBeGreaterThan(0);
		// Not through the thread pool: a round trip between threads per append cost more than the append.
		for (const spy of pooled) expect(spy).not.toHaveBeenCalled();
	});

	it("has each write in the file by the time its promise resolves", async () => {
		const missing: string[] = [];
		await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				store.insert({ _id: `w${i}`, n: i }).then(() => {
					if (!inFile(`w${i}`)) missing.push(`w${i}`);
				}),
			),
		);
		expect(missing).toEqual([]);
	});

	it("never answers a read with a write that is not yet in the file", async () => {
		const write = store.insert({ _id: "seen", n: 1 });
		const read = store.findOne({ _id: "seen" }).then(doc => ({ doc, inFile: inFile("seen") }));
		await write;
		expect(await read).toEqual({ doc: { _id: "seen", n: 1 }, inFile: true });
	});

	it("reloads exactly what was written, across a compaction in the middle of the writes", async () => {
		const writes = Array.from({ length: 40 }, (_, i) => store.insert({ _id: `c${i}`, n: i }));
		await (store as unknown as { db: { compactDatafileAsync(): Promise<void> } }).db.compactDatafileAsync();
		writes.push(...Array.from({ length: 40 }, (_, i) => store.insert({ _id: `c${40 + i}`, n: 40 + i })));
		await Promise.all(writes);
		await store.updateMany({ n: { $lt: 10 } }, { $set: { n: -1 } });
		await store.disconnect();

		store = new NedbStore<Item>(file);
		await store.connect();
		expect(await store.count()).toBe(80);
		expect(await store.count({ query: { n: -1 } })).toBe(10);
	});

	it("hands out its own documents to read at once, not a copy of each (a read model built at start)", async () => {
		await store.insertMany([{ _id: "a", n: 1 }, { _id: "b", n: 2 }]);
		const [first, second] = [await store.readAll(), await store.readAll()];
		expect(first.map(d => d._id).sort()).toEqual(["a", "b"]);
		expect(first.find(d => d._id === "a")).toBe(second.find(d => d._id === "a"));
	});

	it("reloads documents whose values repeat as they were written", async () => {
		const docs = Array.from({ length: 30 }, (_, i) => ({ _id: `r${i}`, n: i, kind: i % 3 ? "lamp" : "desk", at: "2024-01-01", changed: "2024-01-01" }));
		await store.insertMany(docs);
		await store.disconnect();
		store = new NedbStore<Item>(file);
		await store.connect();
		expect((await store.find({ sort: ["n"] })).map(({ _id, n, ...rest }) => ({ _id, n, ...rest }))).toEqual(docs);
	});

	it("fails the writes that could not reach the file, and takes the next ones", async () => {
		fs.rmSync(dir, { recursive: true, force: true }); // the file is opened at the first write
		await expect(store.insert({ _id: "lost", n: 0 })).rejects.toThrow("ENOENT");
		fs.mkdirSync(dir);
		await store.insert({ _id: "kept", n: 1 });
		expect(inFile("kept")).toBe(true);
	});

	it("keeps, after reopening its file, only the indexes asked for now, with the options asked for now", async () => {
		// An older version's indexes: NeDB remembers them in the file and makes them again at load.
		await store.ensureIndex({ fields: ["n"] });
		await store.ensureIndex({ fields: ["state"] });
		await store.insertMany([{ _id: "a", n: 1 }, { _id: "b", n: 2 }]);
		await store.disconnect();

		store = new NedbStore<Item>(file);
		await store.connect();
		const indexes = () => (store as unknown as { db: { indexes: Record<string, { sparse: boolean }> } }).db.indexes;
		expect(Object.keys(indexes()).sort()).toEqual(["_id", "n", "state"]);
		await store.ensureIndex({ fields: ["n"], sparse: true });
		await store.dropOtherIndexes([{ fields: ["n"], sparse: true }]);
		expect(Object.keys(indexes()).sort()).toEqual(["_id", "n"]);
		expect(indexes().n.sparse).toBe(true);
		expect(await store.find({ query: { n: { $gte: 2 } } })).toEqual([{ _id: "b", n: 2 }]);
		await store.disconnect();

		store = new NedbStore<Item>(file);
		await store.connect();
		expect(Object.keys(indexes()).sort()).toEqual(["_id", "n"]);
		expect(indexes().n.sparse).toBe(true);
	});
});
