// How many documents an NeDB index keeps under one key. NeDB keeps them in one array per key and
// scans that array whenever one of them is written, so a key most documents share (null, a
// settled state, "no expiry") makes every write cost as much as the documents under it.
// NeDB-only (the tests' memory store): it reads the datastore's indexes.

interface NedbIndex {
	fieldName: string | string[];
	tree: { executeOnEveryNode(fn: (node: { key: unknown; data: unknown[] }) => void): void };
}

/** For each index of `adapter` (a moleculer-db NeDB adapter) but `_id`: its largest key and how many documents that key holds. */
export function largestBuckets(adapter: unknown): Record<string, { key: unknown; size: number }> {
	const indexes = (adapter as { db?: { indexes?: Record<string, NedbIndex> } }).db?.indexes;
	if (!indexes) throw new Error("largestBuckets needs an NeDB store (DATA_DIR=:memory: in tests)");
	const out: Record<string, { key: unknown; size: number }> = {};
	for (const [name, index] of Object.entries(indexes)) {
		if (name === "_id") continue;
		let largest = { key: undefined as unknown, size: 0 };
		index.tree.executeOnEveryNode(node => {
			if (node.data.length > largest.size) largest = { key: node.key, size: node.data.length };
		});
		out[name] = largest;
	}
	return out;
}
