// NeDB updates a document in each of its collection's indexes by taking the old document out of
// the index's tree and putting the new one in: two walks of an AVL tree, a rebalance each, new
// nodes to collect. Most writes leave most indexed fields as they were (the _id always; an order's
// user; a reservation's order), and then the new document belongs in the very node the old one
// is in. Here it takes the old one's place there; a key that changed still moves the NeDB way.
// On the one-node checkout NeDB's tree work fell from ~15 % of the CPU to ~9 % (mostly the
// lookups that find the node), and checkouts/s rose 11 % (median of 7 alternated pairs; README).

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

/** Where a pair's new document can take the old one's place: the node's documents and the old one's position. */
interface Spot<D> extends Pair<D> {
	key: unknown;
	node: D[];
	at: number;
}

/**
 * Where `newDoc` can take `oldDoc`'s place: null when the key changed or is an array (one entry
 * per element, left to NeDB), "none" when a sparse index holds neither (both keys undefined), and
 * "lost" when the key is unchanged but `oldDoc` is not in its node (NeDB itself would then fail or
 * remove whatever else is there; the batch is left to it whole). Keys equal by NeDB's own
 * comparison go to the same node, so the tree is as NeDB would have made it.
 */
function spotOf<D>(index: IndexInternals<D>, oldDoc: D, newDoc: D): Spot<D> | "none" | "lost" | null {
	const oldKey = getDotValue(oldDoc, index.fieldName);
	const newKey = getDotValue(newDoc, index.fieldName);
	if (Array.isArray(oldKey) || Array.isArray(newKey)) return null;
	if (oldKey === undefined && newKey === undefined && index.sparse) return "none";
	if ((oldKey === undefined) !== (newKey === undefined) || compareThings(oldKey, newKey) !== 0) return null;
	const node = index.tree.search(oldKey);
	const at = node.indexOf(oldDoc);
	return at < 0 ? "lost" : { key: oldKey, node, at, oldDoc, newDoc };
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
		// A document twice in one batch (a range query over an array field finds it once per
		// element): NeDB refuses the batch (the _id index sees the document twice); so does this.
		if (pairs.length > 1 && new Set(pairs.map(p => p.oldDoc)).size < pairs.length) return moveAll.call(this, pairs);
		const moved: Pair<object>[] = [];
		const spots: Spot<object>[] = [];
		for (const pair of pairs) {
			const spot = spotOf(this, pair.oldDoc, pair.newDoc);
			if (spot === "lost") return moveAll.call(this, pairs);
			if (spot === null) moved.push(pair);
			else if (spot !== "none") spots.push(spot);
		}
		for (const { node, at, newDoc } of spots) node[at] = newDoc;
		if (!moved.length) return;
		try {
			moveAll.call(this, moved);
		} catch (err) {
			// NeDB's contract: an index whose update throws (a unique key taken) is left as it was.
			// The moved ones are back; the swapped ones are looked up again, as NeDB's deletes
			// replace a node's array (the one held may be stale) and keep its order.
			for (const { key, newDoc, oldDoc } of spots) {
				const node = this.tree.search(key);
				node[node.indexOf(newDoc)] = oldDoc;
			}
			throw err;
		}
	};
}
