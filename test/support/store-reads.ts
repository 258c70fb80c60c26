// What a query costs: the documents an embedded (NeDB) store reads to answer it, not only those it
// returns. A query through a fitting index reads few; one that scans reads every document.
// NeDB-only (the tests' memory store): it wraps the datastore's internal candidate lookup.

interface NedbInternals {
	_getCandidatesAsync(query: unknown, dontExpireStaleDocs?: boolean): Promise<{ _id: string }[]>;
}

export interface ReadCounter {
	/** Ids of every document read since the last reset, with repeats. */
	readonly reads: string[];
	reset(): void;
	restore(): void;
}

/** Counts the documents `adapter` (a moleculer-db NeDB adapter) reads from now on. */
export function countReads(adapter: unknown): ReadCounter {
	const db = (adapter as { db?: NedbInternals }).db;
	if (!db || typeof db._getCandidatesAsync !== "function") throw new Error("countReads needs an NeDB store (DATA_DIR=:memory: in tests)");
	const original = db._getCandidatesAsync;
	const reads: string[] = [];
	db._getCandidatesAsync = async function (this: NedbInternals, ...args) {
		const docs = await original.apply(this, args);
		for (const doc of docs) reads.push(doc._id);
		return docs;
	};
	return {
		reads,
		reset: () => void reads.splice(0),
		restore: () => void (db._getCandidatesAsync = original),
	};
}
