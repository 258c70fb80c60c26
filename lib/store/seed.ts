// The documents a collection starts with (the demo catalog), written so that a start interrupted
// half-way is completed at the next one: each document is inserted unless its id is there, and a
// mark is left only when all are. Once marked, the seed is never written again, so a product the
// admin deleted stays deleted.
import { isDuplicateKey, type Doc, type Store } from "./store";

export interface SeedMark extends Doc {
	/** When the seed of the collection named by `_id` was complete. */
	at: string;
}

/** Inserts the documents of `docs` that `store` lacks, unless `marks` says it was done; returns how many. */
export async function seedOnce<T extends Doc>(store: Store<T>, marks: Store<SeedMark>, collection: string, docs: T[], now = new Date()): Promise<number> {
	if (await marks.findOne({ _id: collection })) return 0;
	const have = new Set((await store.findByIds(docs.map(d => d._id))).map(d => d._id));
	const missing = docs.filter(d => !have.has(d._id));
	const inserted = await insertAbsent(store, missing);
	await marks.insert({ _id: collection, at: now.toISOString() }).catch(ignoreDuplicate);
	return inserted;
}

/** One batch; if another node seeding at the same time got some first, one at a time, skipping those. */
async function insertAbsent<T extends Doc>(store: Store<T>, docs: T[]): Promise<number> {
	if (docs.length === 0) return 0;
	try {
		await store.insertMany(docs);
		return docs.length;
	} catch (err) {
		if (!isDuplicateKey(err)) throw err;
	}
	let inserted = 0;
	for (const doc of docs) inserted += await store.insert(doc).then(() => 1, err => (ignoreDuplicate(err), 0));
	return inserted;
}

function ignoreDuplicate(err: unknown): void {
	if (!isDuplicateKey(err)) throw err;
}
