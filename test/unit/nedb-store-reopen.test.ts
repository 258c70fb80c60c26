// The NeDB file store across restarts: loading leaves the file as it is (NeDB would rewrite it
// whole), the file loads back to the same documents and indexes, and compaction, a chunk at a time,
// still shrinks it to one line per document.
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { NedbStore } from "../../lib/store/nedb-adapter";
import type { Doc } from "../../lib/store/store";

interface Item extends Doc {
	n: number;
	sku?: string;
	tag?: string;
}

let dir: string;
let file: string;
const open: NedbStore<Item>[] = [];

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), "nedb-reopen-"));
	file = path.join(dir, "items.db");
});
afterEach(async () => {
	for (const store of open.splice(0)) await store.disconnect();
	fs.rmSync(dir, { recursive: true, force: true });
});

async function connected(): Promise<NedbStore<Item>> {
	const store = new NedbStore<Item>(file);
	open.push(store);
	await store.connect();
	await store.ensureIndex({ fields: ["sku"], unique: true, sparse: true });
	await store.ensureIndex({ fields: ["tag", "n"] });
	return store;
}

async function closed(store: NedbStore<Item>): Promise<void> {
	open.splice(open.indexOf(store), 1);
	await store.disconnect();
}

const compact = (store: NedbStore<Item>) => (store as unknown as { db: { compactDatafileAsync(): Promise<void> } }).db.compactDatafileAsync();
const indexes = (store: NedbStore<Item>) =>
	Object.fromEntries(Object.entries((store as unknown as { db: { indexes: Record<string, { unique: boolean; sparse: boolean }> } }).db.indexes).map(([k, i]) => [k, { unique: i.unique, sparse: i.sparse }]));
const lines = () => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);

/** A history with updates and removals: the file holds several lines for most documents. */
async function history(store: NedbStore<Item>): Promise<void> {
	await store.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `d${i}`, n: i, sku: `S${i}`, tag: i % 2 ? "odd" : "even" })));
	await store.updateMany({ tag: "odd" }, { $inc: { n: 1000 } });
	await store.removeMany({ n: { $lt: 50 } });
	await store.updateById("d299", { $set: { sku: "LAST" } });
}

const everything = (store: NedbStore<Item>) => store.find({ sort: ["_id"] });

describe("NedbStore reopened", () => {
	it("leaves the file as it is when it loads, and loads every document and index back from it", async () => {
		const first = await connected();
		await history(first);
		const before = await everything(first);
		const beforeIndexes = indexes(first);
		await closed(first);
		const file1 = fs.readFileSync(file, "utf8");

		const second = await connected();
		// NeDB would have rewritten the file with one line per document here.
		expect(fs.readFileSync(file, "utf8")).toBe(file1);
		expect(await everything(second)).toEqual(before);
		expect(indexes(second)).toEqual(beforeIndexes);
		// The indexes work: a unique one still refuses a duplicate, the compound one answers.
		await expect(second.insert({ _id: "dup", n: 1, sku: "LAST" })).rejects.toThrow();
		expect((await second.find({ query: { tag: "even", n: 100 } })).map(d => d._id)).toEqual(["d100"]);

		// Writes after such a load go on the end of the same file, and load back too.
		await second.insert({ _id: "after", n: 7, sku: "AFTER" });
		await second.removeById("d100");
		const after = await everything(second);
		await closed(second);
		const third = await connected();
		expect(await everything(third)).toEqual(after);
		expect(indexes(third)).toEqual(beforeIndexes);
	});

	it("compacts, a chunk at a time, to one line per document plus its indexes, and loads the same back", async () => {
		const first = await connected();
		await history(first);
		const before = await everything(first);
		const linesBefore = lines().length;
		await compact(first);
		expect(lines().length).toBe(before.length + 2);
		expect(lines().length).toBeLessThan(linesBefore);
		expect(fs.existsSync(file + "~")).toBe(false);
		// The open file was let go of: the writes after the compaction are in the new file.
		await first.insert({ _id: "later", n: 1 });
		expect(lines().some(line => line.includes('"_id":"later"'))).toBe(true);
		const after = await everything(first);
		const afterIndexes = indexes(first);
		await closed(first);

		const second = await connected();
		expect(await everything(second)).toEqual(after);
		expect(indexes(second)).toEqual(afterIndexes);
	});

	it("writes a large collection in several writes, not as one string", async () => {
		const store = await connected();
		const text = "x".repeat(1_000);
		await store.insertMany(Array.from({ length: 3_000 }, (_, i) => ({ _id: `big${i}`, n: i, tag: text })));
		const writes: number[] = [];
		const realOpen = fsp.open.bind(fsp);
		jest.spyOn(fsp, "open").mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
			const handle = await realOpen(...args);
			if (String(args[0]).endsWith("~")) {
				const write = handle.write.bind(handle) as (bytes: Buffer, ...rest: number[]) => Promise<{ bytesWritten: number }>;
				(handle as unknown as { write: typeof write }).write = (bytes, ...rest) => {
					writes.push(rest[1] ?? bytes.length);
					return write(bytes, ...rest);
				};
			}
			return handle;
		});
		await compact(store);
		jest.restoreAllMocks();
		// About 3 MB of lines, written a megabyte or so at a time.
		expect(writes.length).toBeGreaterThanOrEqual(3);
		expect(Math.max(...writes)).toBeLessThan(1.2 * 2 ** 20);
		expect(lines()).toHaveLength(3_000 + 2);
	});

	it("compacts on its timer only what was written to since its last compaction", async () => {
		const store = await connected();
		await history(store);
		// The timer's compaction (what COMPACT_EVERY_MS runs), the file's inode telling a rewrite.
		const timed = () => (store as unknown as { compact(db: unknown): Promise<void> }).compact((store as unknown as { db: unknown }).db);
		const inode = () => fs.statSync(file).ino;
		const loaded = inode();
		await timed();
		const compacted = inode();
		expect(compacted).not.toBe(loaded); // the file as loaded may hold replaced lines: rewritten
		await timed();
		expect(inode()).toBe(compacted); // nothing written since: left as it is
		await store.find({ query: { tag: "odd" } });
		await timed();
		expect(inode()).toBe(compacted); // reads change nothing
		await store.updateById("d100", { $set: { tag: "changed" } });
		await timed();
		expect(inode()).not.toBe(compacted);
		expect(lines()).toHaveLength(275 + 2); // 275 documents and the indexes, one line each
	});

	it("compacts at load a file holding more replaced lines than documents (a node restarted before its timer ran)", async () => {
		const first = await connected();
		await first.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `d${i}`, n: 0 })));
		for (let round = 1; round <= 150; round++) await first.updateMany({}, { $set: { n: round } });
		const before = await everything(first);
		await closed(first);
		expect(lines().length).toBeGreaterThan(1_500);

		const second = await connected();
		expect(lines()).toHaveLength(10 + 2); // the documents and the indexes, one line each
		expect(await everything(second)).toEqual(before);
	});

	it("leaves a file loaded without replaced lines alone, at load and on its timer", async () => {
		const first = await connected();
		await history(first);
		await compact(first);
		await closed(first);
		const inode = fs.statSync(file).ino;

		const second = await connected();
		await (second as unknown as { compact(db: unknown): Promise<void> }).compact((second as unknown as { db: unknown }).db);
		expect(fs.statSync(file).ino).toBe(inode);
	});

	it("writes the same lines as NeDB's own compaction", async () => {
		const ours = await connected();
		await history(ours);
		await compact(ours);
		const oursLines = lines().sort();
		await closed(ours);
		// NeDB itself, on a copy of the same history: its load rewrites the file whole.
		const Datastore = (await import("@seald-io/nedb")).default;
		const theirs = new Datastore({ filename: path.join(dir, "theirs.db") });
		fs.copyFileSync(file, path.join(dir, "theirs.db"));
		fs.appendFileSync(path.join(dir, "theirs.db"), '{"_id":"d60","$$deleted":true}\n');
		fs.appendFileSync(file, '{"_id":"d60","$$deleted":true}\n');
		await theirs.loadDatabaseAsync();
		const again = await connected();
		await compact(again);
		expect(lines().sort()).toEqual(fs.readFileSync(path.join(dir, "theirs.db"), "utf8").split("\n").filter(Boolean).sort());
		expect(oursLines).not.toEqual(lines().sort());
	});

	it("starts the next write on a line of its own after a crash left half a line", async () => {
		const first = await connected();
		await history(first);
		const before = await everything(first);
		await closed(first);
		fs.appendFileSync(file, '{"_id":"torn","n":1,"sk'); // a crash in the middle of an append

		const second = await connected();
		expect(await everything(second)).toEqual(before);
		await second.insert({ _id: "next", n: 2 });
		await closed(second);
		const third = await connected();
		expect((await third.findById("next"))?.n).toBe(2);
	});
});
