// What a service may ask of its store, whichever database is behind it: NeDB (a file, or memory
// in tests) or MongoDB. Both adapters implement `StoreAdapter`; the store contract suite
// (test/integration/store-contract.test.ts) runs the same tests on each.

/** A stored document. Ids are strings we choose; `_id` is never an ObjectId. */
export interface Doc {
	_id: string;
}

export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown>;

export interface FindOptions {
	query?: Filter;
	/** Field names, `-name` for descending: `["-createdAt", "_id"]`. */
	sort?: string[];
	limit?: number;
	offset?: number;
}

/** The part of moleculer-db's adapter API the shop uses; identical on NeDB and MongoDB. */
export interface Store<T extends Doc> {
	find(opts: FindOptions): Promise<T[]>;
	/**
	 * Every document, as the store holds it: read them, never change them. For what is built from
	 * the whole collection at start (a read model): NeDB hands over the documents it keeps in
	 * memory instead of a copy of each (100,000 copies are some 25 MB of garbage at that moment).
	 */
	readAll(): Promise<readonly T[]>;
	findOne(query: Filter): Promise<T | null>;
	findByIds(ids: string[]): Promise<T[]>;
	count(opts?: { query?: Filter }): Promise<number>;
	insert(doc: T): Promise<T>;
	insertMany(docs: T[]): Promise<T[]>;
	/**
	 * The conditional atomic update: applies `update` to the documents matching `filter` and
	 * returns how many it changed. "Take 2 only if 2 are left" is
	 * `updateMany({ _id, available: { $gte: 2 } }, { $inc: { available: -2 } })` → 1 or 0.
	 * Both stores apply one such update as a whole, so concurrent callers never both win.
	 * (MongoDB counts modified documents, NeDB matched ones: give updates that always change
	 * what they match, as a filter on the old value does.)
	 */
	updateMany(filter: Filter, update: Update): Promise<number>;
	/** The document after the update, or null when there is none with this id. */
	updateById(id: string, update: Update): Promise<T | null>;
	removeMany(filter: Filter): Promise<number>;
	removeById(id: string): Promise<number>;
	clear(): Promise<number>;
}

export interface IndexSpec {
	/** Several make a compound index on MongoDB; NeDB (which has none) indexes the first. */
	fields: string[];
	unique?: boolean;
	/** Leave documents without the field out of the index (e.g. only open orders carry `sweepAt`). */
	sparse?: boolean;
	/** Only sorting asks for this field: MongoDB sorts through the index, NeDB (which sorts in memory) keeps none. */
	sortOnly?: boolean;
}

/** A store together with what the mixin does to it: open, index, watch, close. */
export interface StoreAdapter<T extends Doc = Doc> extends Store<T> {
	/** moleculer-db hands every adapter its broker and service; ours only borrow the logger. */
	init(broker: unknown, service: unknown): void;
	/** Safe to call again after a failure: moleculer-db retries it every second until it works. */
	connect(): Promise<void>;
	disconnect(): Promise<void>;
	ensureIndex(spec: IndexSpec): Promise<void>;
	/**
	 * Drops the indexes the store keeps beyond `keep` (and `_id`). NeDB remembers every index ever
	 * made in its file and restores it at load: one a newer version no longer asks for would still
	 * be updated by every write.
	 */
	dropOtherIndexes(keep: IndexSpec[]): Promise<void>;
	/** Resolves when the store answers; rejects when it does not within `timeoutMs`. */
	ping(timeoutMs: number): Promise<void>;
}

/**
 * What both adapters do the same way: `clear` is removing everything, and moleculer-db's id
 * hooks have nothing to do, since our ids are strings in `_id` already.
 */
export abstract class StringIdStore<T extends Doc = Doc> {
	abstract removeMany(filter: Filter): Promise<number>;

	clear(): Promise<number> {
		return this.removeMany({});
	}

	entityToObject(doc: T): T {
		return doc;
	}
	beforeSaveTransformID(doc: T): T {
		return doc;
	}
	afterRetrieveTransformID(doc: T): T {
		return doc;
	}
}

/** A unique index refused the write: NeDB says so in `errorType`, MongoDB with code 11000. */
export function isDuplicateKey(err: unknown): boolean {
	const e = err as { errorType?: string; code?: number } | null;
	return e?.errorType === "uniqueViolated" || e?.code === 11000;
}

/**
 * The options of an index, holding only what is switched on. An option left `undefined` must not
 * reach MongoDB: older drivers sent it as `null`, which MongoDB 6 and 7 refuse.
 */
export function indexOptions(spec: IndexSpec): { unique?: true; sparse?: true } {
	return { ...(spec.unique === true && { unique: true as const }), ...(spec.sparse === true && { sparse: true as const }) };
}

/** `["-createdAt", "_id"]` → `{ createdAt: -1, _id: 1 }`, the form both databases sort by. */
export function sortSpec(sort: string[]): Record<string, 1 | -1> {
	return Object.fromEntries(sort.map(field => (field.startsWith("-") ? [field.slice(1), -1 as const] : [field, 1 as const])));
}
