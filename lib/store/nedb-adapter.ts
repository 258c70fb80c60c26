// The store on NeDB: one file per collection (DATA_DIR/<service>/<collection>.db), or memory
// when no file is given (tests). NeDB applies one operation at a time, so a conditional update
// is atomic; every write is appended to the file before its promise resolves.
import Datastore from "@seald-io/nedb";
import { indexOptions, sortSpec, type Doc, type Filter, type FindOptions, type IndexSpec, type StoreAdapter, type Update } from "./store";

/** NeDB appends every write; compacting now and then keeps the file, and the next start, small. */
const COMPACT_EVERY_MS = 10 * 60_000;

export class NedbStore<T extends Doc = Doc> implements StoreAdapter<T> {
	private db: Datastore<T> | null = null;
	private compactor: NodeJS.Timeout | null = null;
	private logger: { warn(...args: unknown[]): void } = console;

	/** `filename` null: in memory only. */
	constructor(readonly filename: string | null) {}

	init(_broker: unknown, service: unknown): void {
		const logger = (service as { logger?: NedbStore["logger"] } | null)?.logger;
		if (logger) this.logger = logger;
	}

	async connect(): Promise<void> {
		if (this.db) return; // moleculer-db calls connect() again when something after it failed
		const db = new Datastore<T>(this.filename ? { filename: this.filename } : {});
		await db.loadDatabaseAsync();
		this.db = db;
		// NeDB's own timer would keep the process alive; compaction is never a reason to stay.
		if (this.filename) this.compactor = setInterval(() => void this.compact(db), COMPACT_EVERY_MS).unref();
	}

	async disconnect(): Promise<void> {
		if (this.compactor) clearInterval(this.compactor);
		this.compactor = this.db = null;
	}

	async ensureIndex(spec: IndexSpec): Promise<void> {
		// NeDB 3 takes several fields as an array (a compound index); its typings still say one string.
		const fieldName = (spec.fields.length === 1 ? spec.fields[0] : spec.fields) as string;
		await this.open().ensureIndexAsync({ fieldName, ...indexOptions(spec) });
	}

	async ping(): Promise<void> {
		this.open();
	}

	find({ query = {}, sort, limit, offset }: FindOptions): Promise<T[]> {
		const cursor = this.open().findAsync(query);
		if (sort?.length) cursor.sort(sortSpec(sort));
		if (offset && offset > 0) cursor.skip(offset);
		if (limit && limit > 0) cursor.limit(limit);
		return cursor.execAsync();
	}

	async findOne(query: Filter): Promise<T | null> {
		return (await this.open().findOneAsync(query)) ?? null;
	}

	findById(id: string): Promise<T | null> {
		return this.findOne({ _id: id });
	}

	findByIds(ids: string[]): Promise<T[]> {
		return this.find({ query: { _id: { $in: ids } } });
	}

	async count({ query = {} }: { query?: Filter } = {}): Promise<number> {
		return this.open().countAsync(query);
	}

	insert(doc: T): Promise<T> {
		return this.open().insertAsync(doc);
	}

	/** All or none: NeDB takes the batch back when one document breaks a unique index. */
	insertMany(docs: T[]): Promise<T[]> {
		return this.open().insertAsync(docs);
	}

	async updateMany(filter: Filter, update: Update): Promise<number> {
		return (await this.open().updateAsync(filter, update, { multi: true })).numAffected;
	}

	async updateById(id: string, update: Update): Promise<T | null> {
		const { affectedDocuments } = await this.open().updateAsync({ _id: id }, update, { returnUpdatedDocs: true });
		return (affectedDocuments as T | null) ?? null;
	}

	removeMany(filter: Filter): Promise<number> {
		return this.open().removeAsync(filter, { multi: true });
	}

	removeById(id: string): Promise<number> {
		return this.open().removeAsync({ _id: id }, {});
	}

	clear(): Promise<number> {
		return this.removeMany({});
	}

	// What moleculer-db's own actions would call; our ids are `_id` already.
	entityToObject(doc: T): T {
		return doc;
	}
	beforeSaveTransformID(doc: T): T {
		return doc;
	}
	afterRetrieveTransformID(doc: T): T {
		return doc;
	}

	private async compact(db: Datastore<T>): Promise<void> {
		try {
			await db.compactDatafileAsync();
		} catch (err) {
			this.logger.warn(`Could not compact ${this.filename}; the next compaction tries again`, err);
		}
	}

	private open(): Datastore<T> {
		if (!this.db) throw new Error(`The store ${this.filename ?? "(memory)"} is not connected`);
		return this.db;
	}
}
