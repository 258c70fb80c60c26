// An index only sorting asks for (IndexSpec.sortOnly) is not kept by NeDB, which sorts in memory
// and would only update it on every write; a file that still has one from an older version
// loses it at the next start. Lists come out in the same order either way.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NedbStore } from "../../lib/store/nedb-adapter";
import type { Doc, IndexSpec } from "../../lib/store/store";

interface Row extends Doc {
	userId: string;
	createdAt: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nedb-sort-only-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Opens the file as a starting service does: its indexes ensured, the others dropped. */
async function start(file: string, indexes: IndexSpec[]): Promise<NedbStore<Row>> {
	const store = new NedbStore<Row>(file);
	await store.connect();
	for (const spec of indexes) await store.ensureIndex(spec);
	await store.dropOtherIndexes(indexes);
	return store;
}

const indexNames = (store: NedbStore<Row>) => Object.keys((store as unknown as { db: { indexes: Record<string, unknown> } }).db.indexes).sort();

describe("an index only sorting asks for, on NeDB", () => {
	it("is dropped from a file an older version indexed, and lists still come out newest first", async () => {
		const file = path.join(dir, "orders.db");
		const old = await start(file, [{ fields: ["userId"] }, { fields: ["createdAt"] }]);
		expect(indexNames(old)).toEqual(["_id", "createdAt", "userId"]);
		const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
		await old.insertMany([3, 1, 4, 2].map(i => ({ _id: `o${i}`, userId: "u1", createdAt: at(i) })));
		await old.disconnect();

		const now = await start(file, [{ fields: ["userId"] }, { fields: ["createdAt"], sortOnly: true }]);
		expect(indexNames(now)).toEqual(["_id", "userId"]);
		await now.updateMany({ _id: "o2" }, { $set: { userId: "u1" } });
		expect((await now.find({ query: { userId: "u1" }, sort: ["-createdAt"], limit: 3 })).map(r => r._id)).toEqual(["o4", "o3", "o2"]);
		await now.disconnect();

		// The file remembers the drop: the next start loads no such index.
		const again = new NedbStore<Row>(file);
		await again.connect();
		expect(indexNames(again)).toEqual(["_id", "userId"]);
		await again.disconnect();
	});
});
