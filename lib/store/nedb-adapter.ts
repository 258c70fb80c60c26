// The store on NeDB: one file per collection (DATA_DIR/<service>/<collection>.db), or memory
// when no file is given (tests). NeDB applies one operation at a time, so a conditional update
// is atomic. Every write is in the file before its promise resolves, as with NeDB alone; but the
// file stays open, and the writes made while one is on its way go to it together (appender.ts).
// No answer, not even a read's, leaves before the writes it can see are in the file.
import Datastore from "@seald-io/nedb";
import { Appender } from "./appender";
import { useInPlaceIndexUpdates } from "./nedb-index-in-place";
import { shareRepeatedStrings } from "./share-strings";
import { model, writeCompacted, type NedbPersistence } from "./nedb-file";
import { indexOptions, sortSpec, StringIdStore, type Doc, type Filter, type FindOptions, type IndexSpec, type StoreAdapter, type Update } from "./store";

useInPlaceIndexUpdates();

/**
 * NeDB appends every write; compacting now and then keeps the file, and the next start, small.
 * A collection nothing was written to since its last compaction is not rewritten (at 100,000
 * products that is the whole catalog, every ten minutes, for nothing).
 */
const COMPACT_EVERY_MS = 10 * 60_000;
/**
 * A file loaded with more replaced lines than documents, and at least this many, is compacted
 * before the store is used: a node restarted more often than every COMPACT_EVERY_MS would
 * otherwise let it grow for ever. A file that is mostly current is left for the timer.
 */
const MIN_SUPERSEDED_TO_COMPACT_AT_LOAD = 1_000;

/**
 * The query with an exact `_id` as its last field. NeDB looks candidates up by the last field of the
 * query that has an index and an exact value: `{ _id, state: "held" }` with `state` indexed would
 * read every held document to find one; with `_id` last it reads that one.
 */
function idLast(query: Filter): Filter {
	if (typeof query._id !== "string") return query;
	const { _id, ...rest } = query;
	return { ...rest, _id };
}

export class NedbStore<T extends Doc = Doc> extends StringIdStore<T> implements StoreAdapter<T> {
	private db: Datastore<T> | null = null;
	private appender: Appender | null = null;
	private compactor: NodeJS.Timeout | null = null;
	/** The file holds lines that later ones replaced (written to since the last compaction, or loaded so). */
	private changedSinceCompaction = false;
	private logger: { warn(...args: unknown[]): void } = console;

	/** `filename` null: in memory only. */
	constructor(readonly filename: string | null) {
		super();
	}

	init(_broker: unknown, service: unknown): void {
		const logger = (service as { logger?: NedbStore["logger"] } | null)?.logger;
		if (logger) this.logger = logger;
	}

	async connect(): Promise<void> {
		if (this.db) return; // moleculer-db calls connect() again when something after it failed
		const db = new Datastore<T>(this.filename ? { filename: this.filename } : {});
		const persistence = db.persistence as unknown as NedbPersistence;
		// NeDB rewrites the whole file once loaded; the file as it is loads the same (nedb-file.ts).
		if (this.filename) persistence.persistCachedDatabaseAsync = async () => undefined;
		const lines = this.filename ? countLinesRead(persistence) : null;
		await db.loadDatabaseAsync();
		if (this.filename) {
			shareRepeatedStrings(db.getAllData());
			// A half line a crash left at the end is ended by the appender before its first write
			// (NeDB's rewrite at load used to drop it).
			this.appender = appendThrough(db, this.filename, () => (this.changedSinceCompaction = true));
			const documents = db.getAllData().length;
			const superseded = lines!.stop() - (documents + Object.keys(indexesOf(db)).length - 1);
			this.changedSinceCompaction = superseded > 0;
			// A node restarted more often than its timer runs (rolling deploys) would never compact.
			if (superseded >= Math.max(documents, MIN_SUPERSEDED_TO_COMPACT_AT_LOAD)) await this.compact(db);
		}
		this.db = db;
		// NeDB's own timer would keep the process alive; compaction is never a reason to stay.
		if (this.filename) this.compactor = setInterval(() => void this.compact(db), COMPACT_EVERY_MS).unref();
	}

	async disconnect(): Promise<void> {
		if (this.compactor) clearInterval(this.compactor);
		const appender = this.appender;
		this.compactor = this.db = this.appender = null;
		await appender?.close();
	}

	async ensureIndex(spec: IndexSpec): Promise<void> {
		// NeDB never reads an index to sort (a cursor sorts the matches in memory); it would only
		// be updated by every write.
		if (spec.sortOnly) return;
		const fieldName = nedbField(spec);
		const db = this.open();
		// NeDB keeps an index made by an older version (it is remembered in the file) even when
		// asked for it with other options: one that is to become sparse is made again.
		const existing = indexesOf(db)[fieldName];
		if (existing && (existing.unique !== (spec.unique === true) || existing.sparse !== (spec.sparse === true))) await this.done(db.removeIndexAsync(fieldName));
		await this.done(db.ensureIndexAsync({ fieldName, ...indexOptions(spec) }));
	}

	async dropOtherIndexes(keep: IndexSpec[]): Promise<void> {
		const db = this.open();
		const wanted = new Set(["_id", ...keep.filter(spec => !spec.sortOnly).map(nedbField)]);
		for (const name of Object.keys(indexesOf(db))) if (!wanted.has(name)) await this.done(db.removeIndexAsync(name));
	}

	async ping(): Promise<void> {
		this.open();
	}

	find({ query = {}, sort, limit, offset }: FindOptions): Promise<T[]> {
		const cursor = this.open().findAsync(idLast(query));
		if (sort?.length) cursor.sort(sortSpec(sort));
		if (offset && offset > 0) cursor.skip(offset);
		if (limit && limit > 0) cursor.limit(limit);
		return this.done(cursor.execAsync());
	}

	/** NeDB's own documents, not copies: NeDB never changes a document it holds (an update replaces it). */
	readAll(): Promise<readonly T[]> {
		const db = this.open();
		// In NeDB's queue, as its own reads are: after every write asked for before.
		const executor = (db as unknown as { executor: { pushAsync<R>(task: () => Promise<R>): Promise<R> } }).executor;
		return this.done(executor.pushAsync(async () => db.getAllData()));
	}

	async findOne(query: Filter): Promise<T | null> {
		return (await this.done(this.open().findOneAsync(idLast(query)))) ?? null;
	}

	findById(id: string): Promise<T | null> {
		return this.findOne({ _id: id });
	}

	findByIds(ids: string[]): Promise<T[]> {
		return this.find({ query: { _id: { $in: ids } } });
	}

	async count({ query = {} }: { query?: Filter } = {}): Promise<number> {
		return this.done(this.open().countAsync(idLast(query)));
	}

	insert(doc: T): Promise<T> {
		return this.done(this.open().insertAsync(doc));
	}

	/** All or none: NeDB takes the batch back when one document breaks a unique index. */
	insertMany(docs: T[]): Promise<T[]> {
		return this.done(this.open().insertAsync(docs));
	}

	async updateMany(filter: Filter, update: Update): Promise<number> {
		return (await this.done(this.open().updateAsync(idLast(filter), update, { multi: true }))).numAffected;
	}

	async updateById(id: string, update: Update): Promise<T | null> {
		const { affectedDocuments } = await this.done(this.open().updateAsync({ _id: id }, update, { returnUpdatedDocs: true }));
		return (affectedDocuments as T | null) ?? null;
	}

	removeMany(filter: Filter): Promise<number> {
		return this.done(this.open().removeAsync(idLast(filter), { multi: true }));
	}

	removeById(id: string): Promise<number> {
		return this.done(this.open().removeAsync({ _id: id }, {}));
	}

	/** The answer of `operation`, once the writes it may have seen are in the file. */
	private async done<R>(operation: PromiseLike<R>): Promise<R> {
		const appender = this.appender;
		const pushes = appender?.pushes;
		const result = await operation;
		// Only an operation that wrote waits for the file (and hears of a write that failed); a read
		// after a failed write is not failed by it.
		if (appender && appender.pushes !== pushes) await appender.settled();
		return result;
	}

	/** The timer's compaction: only when something was written since the last one (a write meanwhile sets the flag again). */
	private async compact(db: Datastore<T>): Promise<void> {
		if (!this.changedSinceCompaction) return;
		this.changedSinceCompaction = false;
		try {
			await db.compactDatafileAsync();
		} catch (err) {
			this.changedSinceCompaction = true;
			this.logger.warn(`Could not compact ${this.filename}; the next compaction tries again`, err);
		}
	}

	private open(): Datastore<T> {
		if (!this.db) throw new Error(`The store ${this.filename ?? "(memory)"} is not connected`);
		return this.db;
	}
}

/** Counts the lines NeDB reads while loading (its hook for each raw line), until stop(). */
function countLinesRead(persistence: NedbPersistence): { stop(): number } {
	const hook = persistence.beforeDeserialization;
	let lines = 0;
	persistence.beforeDeserialization = line => {
		lines++;
		return hook(line);
	};
	return {
		stop: () => {
			persistence.beforeDeserialization = hook;
			return lines;
		},
	};
}

/**
 * The field NeDB indexes for `spec`. NeDB 3.1 has no compound index: a list of fields given as
 * the index's field is read as a path (a.b), so every document would share one key, undefined, in
 * one bucket that each write scans, and no query would use it. A spec of several fields is kept
 * as an index of its first, by which NeDB still finds candidates; uniqueness over several fields
 * cannot be kept that way, and is refused rather than kept on the first field alone (stricter).
 */
function nedbField(spec: IndexSpec): string {
	if (spec.fields.length > 1 && spec.unique) throw new Error(`NeDB cannot keep ${spec.fields.join(" + ")} unique together (MongoDB can): use one field`);
	return spec.fields[0];
}

/** NeDB's indexes by field name. */
function indexesOf(db: Datastore): Record<string, { unique: boolean; sparse: boolean }> {
	return (db as unknown as { indexes: Record<string, { unique: boolean; sparse: boolean }> }).indexes;
}

/**
 * Routes NeDB's appends through an Appender. NeDB waits for each append before it takes the next
 * operation; handing the lines over instead lets the operations of one moment share one write,
 * while NedbStore.done() still waits for that write before answering.
 */
function appendThrough(db: Datastore, filename: string, onAppend: () => void): Appender {
	const persistence = db.persistence as unknown as NedbPersistence;
	const appender = new Appender(filename, { mode: persistence.modes?.fileMode });
	persistence.persistNewStateAsync = async docs => {
		onAppend();
		appender.push(docs.map(doc => persistence.afterSerialization(model.serialize(doc)) + "\n").join(""));
	};
	// Compaction writes the whole collection to a new file and renames it over the old one: the
	// appends waiting go first (the new file holds them too), and the next ones go to the new file.
	persistence.persistCachedDatabaseAsync = async () => {
		await appender.settled().catch(() => undefined);
		await writeCompacted(persistence, filename);
		await appender.reopen();
	};
	return appender;
}
