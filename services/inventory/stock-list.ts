// The admin's stock list (inventory.list): levels lowest first, a page at a time, with each
// product's name and SKU from the catalog, and without the products the catalog no longer has.
//
// A product removed from the catalog keeps its stock record (orders name it), so the list learns
// of removals from the catalog itself: a product on the page that products.getMany does not know
// is marked `retired` and the page is read again. The mark is what keeps it off later pages and
// out of the count; it is set only when the catalog answered, never because it was down.
import type { Filter, Store } from "../../mixins/db.mixin";
import type { StockDoc } from "./records";
import type { StockRow } from "./inventory.contract";

export interface StockListQuery {
	maxAvailable?: number;
	page: number;
	pageSize: number;
}

/** A product as the list names it. */
export interface Named {
	id: string;
	name: string;
	sku: string;
}

/** Pages read again at most this often per call (each time, only after marking removed products). */
const MAX_REREADS = 3;

export async function listStock(
	stock: Store<StockDoc>,
	q: StockListQuery,
	/** The catalog's products among these ids; null when it could not be asked. */
	lookup: (ids: string[]) => Promise<Named[] | null>,
): Promise<{ rows: StockRow[]; total: number }> {
	const filter: Filter = { retired: { $exists: false } };
	if (q.maxAvailable !== undefined) filter.available = { $lte: q.maxAvailable };
	let docs: StockDoc[] = [];
	let known: Map<string, Named> | null = null;
	for (let read = 0; read <= MAX_REREADS; read++) {
		docs = await stock.find({ query: filter, sort: ["available", "_id"], offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
		const found = docs.length ? await lookup(docs.map(d => d._id)) : [];
		known = found === null ? null : new Map(found.map(p => [p.id, p]));
		const gone = known === null ? [] : docs.filter(d => !known?.has(d._id)).map(d => d._id);
		if (gone.length === 0) break;
		await stock.updateMany({ _id: { $in: gone }, retired: { $exists: false } }, { $set: { retired: true } });
	}
	const total = await stock.count({ query: filter });
	const rows = docs
		.filter(d => known === null || known.has(d._id))
		.map(d => {
			const product = known?.get(d._id);
			return { productId: d._id, onHand: d.available + d.reserved, reserved: d.reserved, available: d.available, name: product?.name ?? null, sku: product?.sku ?? null };
		});
	return { rows, total };
}
