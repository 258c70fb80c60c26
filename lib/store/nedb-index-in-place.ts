// NeDB updates a document in each of its collection's indexes by taking the old document out of
// the index's tree and putting the new one in: two walks of an AVL tree, a rebalance each, new
// nodes to collect. Most writes leave most indexed fields as they were (the _id always; an order's
// user; a reservation's order), and then the new document belongs in the very node the old one
// is in. Here it takes the old one's place there; a key that changed still moves the NeDB way.
// On the one-node checkout NeDB's tree work fell from ~15 % of the CPU to ~9 % (mostly the
// lookups that find the node), and checkouts/s rose ~10 % (alternated runs; README).

interface Pair<D> {
	oldDoc: D;
	newDoc: D;
}

/** NeDB's Index, as far as we reach into it. */
interface IndexInternals<D> {
	fieldName: string;
	sparse: boolean;
	tree: { search(key: unknown): D[] };
	update(oldDoc: D | Pair<D>[], newDoc?: D): void;
	updateMultipleDocs(pairs: Pair<D>[]): void;
}

// NeDB's own key reading and ordering, so that "same key" means what it means to NeDB's tree.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getDotValue, compareThings } = require("@seald-io/nedb/lib/model") as {
	getDotValue(doc: unknown, field: string): unknown;
	compareThings(a: unknown, b: unknown): number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NedbIndex = require("@seald-io/nedb/lib/indexes") as { prototype: IndexInternals<object> };

/**
 * Puts `newDoc` where `oldDoc` is in the index when both have the same key; false when it cannot
 * (the key changed, or is an array: one entry per element, left to NeDB). Keys equal by NeDB's
 * own comparison go to the same node, so the tree is as NeDB would have made it; a sparse index
 * that holds neither (both keys undefined) has nothing to change.
 */
function swapInPlace<D>(index: IndexInternals<D>, oldDoc: D, newDoc: D): boolean {
	const oldKey = getDotValue(oldDoc, index.fieldName);
	const newKey = getDotValue(newDoc, index.fieldName);
	if (Array.isArray(oldKey) || Array.isArray(newKey)) return false;
	if (oldKey === undefined && newKey === undefined && index.sparse) return true;
	if ((oldKey === undefined) !== (newKey === undefined) || compareThings(oldKey, newKey) !== 0) return false;
	const node = index.tree.search(oldKey);
	const at = node.indexOf(oldDoc);
	if (at < 0) return false;
	node[at] = newDoc;
	return true;
}

let installed = false;

/** Makes every NeDB index in this process update unchanged keys in place. Idempotent. */
export function useInPlaceIndexUpdates(): void {
	if (installed) return;
	installed = true;
	const proto = NedbIndex.prototype;
	const moveAll = proto.updateMultipleDocs;
	const updateOne = proto.update;
	// A single document's update (NeDB's own path for it removes and inserts) goes the same way.
	proto.update = function update(oldDoc: object | Pair<object>[], newDoc?: object): void {
		if (Array.isArray(oldDoc) || newDoc === undefined) return updateOne.call(this, oldDoc, newDoc);
		this.updateMultipleDocs([{ oldDoc, newDoc }]);
	};
	proto.updateMultipleDocs = function updateMultipleDocs(pairs: Pair<object>[]): void {
		const moved: Pair<object>[] = [];
		const swapped: Pair<object>[] = [];
		for (const pair of pairs) (swapInPlace(this, pair.oldDoc, pair.newDoc) ? swapped : moved).push(pair);
		if (!moved.length) return;
		try {
			moveAll.call(this, moved);
		} catch (err) {
			// NeDB's contract: an index whose update throws (a unique key taken) is left as it was.
			for (const { oldDoc, newDoc } of swapped) swapInPlace(this, newDoc, oldDoc);
			throw err;
		}
	};
}
