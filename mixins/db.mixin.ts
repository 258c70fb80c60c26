// Each service's own store: NeDB files under DATA_DIR by default, memory in tests
// (DATA_DIR=":memory:"), MongoDB when MONGO_URI is set. Services talk to `this.adapter` only
// through the methods of `Store` below, which both adapters implement the same way.
//
// In MongoDB every service gets a database of its own, `<namespace>-<service>`: no service can
// read another's collections by accident, and each can be given its own credentials.
import fs from "node:fs";
import path from "node:path";
import type { ServiceSchema } from "moleculer";
import DbService, { MemoryAdapter } from "moleculer-db";
import MongoAdapter from "moleculer-db-adapter-mongo";
import Datastore from "@seald-io/nedb";
import { config } from "../lib/config";

/** A stored document. Ids are strings we choose; `_id` is never an ObjectId. */
export interface Doc {
	_id: string;
}

export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown>;

export interface FindOptions {
	query?: Filter;
	sort?: string[];
	limit?: number;
	offset?: number;
}

/** The part of moleculer-db's adapter API the shop uses; identical on NeDB and MongoDB. */
export interface Store<T extends Doc> {
	find(opts: FindOptions): Promise<T[]>;
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
	updateById(id: string, update: Update): Promise<T | null>;
	removeMany(filter: Filter): Promise<number>;
	removeById(id: string): Promise<T | null>;
	clear(): Promise<number>;
}

export interface IndexSpec {
	fields: string[];
	unique?: boolean;
	/** Leave documents without the field out of the index (e.g. only open orders carry `sweepAt`). */
	sparse?: boolean;
}

export interface DbMixinOptions {
	/** Indexes for what the service filters and sorts on. */
	indexes?: IndexSpec[];
}

export interface DbMethods {
	/** Called once after connecting when the collection is empty: services that ship data insert it here. */
	seed?(): Promise<void>;
}

/** A unique index refused the write: NeDB says so in `errorType`, MongoDB with code 11000. */
export function isDuplicateKey(err: unknown): boolean {
	const e = err as { errorType?: string; code?: number } | null;
	return e?.errorType === "uniqueViolated" || e?.code === 11000;
}

export function storeKind(): "memory" | "nedb" | "mongo" {
	if (config.mongoUri) return "mongo";
	return config.dataDir.endsWith(":memory:") ? "memory" : "nedb";
}

/** The one place where NeDB and MongoDB differ: which adapter, and where its data lives. */
export function createAdapter(service: string, collection: string): MemoryAdapter | MongoAdapter {
	// (NedbAdapter, below, is moleculer-db's MemoryAdapter: NeDB in memory, or in a file.)
	switch (storeKind()) {
		case "mongo": {
			const adapter = new MongoAdapter(config.mongoUri as string, {}, `${config.namespace}-${service}`);
			// Our ids are strings; the adapter would turn any 12- or 24-hex-character one into an ObjectId.
			(adapter as unknown as { stringToObjectID(id: unknown): unknown }).stringToObjectID = id => id;
			// The adapter takes its collection name from the service schema; a service may open several.
			const init = adapter.init.bind(adapter);
			adapter.init = (broker, svc) => init(broker, Object.create(svc, { schema: { value: { ...svc.schema, collection } } }));
			return adapter;
		}
		case "memory":
			return new NedbAdapter({});
		case "nedb": {
			const dir = path.join(config.dataDir, service);
			fs.mkdirSync(dir, { recursive: true });
			return new NedbAdapter({ filename: path.join(dir, `${collection}.db`) });
		}
	}
}

/**
 * moleculer-db's NeDB adapter, connected through NeDB's promise API. The stock connect()
 * wraps @seald-io/nedb's callback methods with util.promisify, which Node flags on every
 * call (DEP0174) because those methods already return promises; and its disconnect() leaves
 * the compaction timer running.
 */
class NedbAdapter extends MemoryAdapter {
	declare db: NedbDatastore | null;
	declare opts: Datastore.DataStoreOptions;

	override connect(): Promise<void> {
		const db = new Datastore(this.opts) as unknown as NedbDatastore;
		Object.assign(db, {
			loadDatabase: () => db.loadDatabaseAsync(),
			insert: (doc: unknown) => db.insertAsync(doc),
			findOne: (query: Filter) => db.findOneAsync(query),
			count: (query: Filter) => db.countAsync(query),
			remove: (query: Filter, options: object) => db.removeAsync(query, options),
			ensureIndex: (options: object) => db.ensureIndexAsync(options),
			removeIndex: (field: string) => db.removeIndexAsync(field),
			// moleculer-db reads update's result as [numAffected, affectedDocuments].
			update: async (query: Filter, update: Update, options: object) => {
				const res = await db.updateAsync(query, update, options);
				return [res.numAffected, res.affectedDocuments];
			},
		});
		this.db = db;
		return db.loadDatabaseAsync();
	}

	override disconnect(): Promise<void> {
		this.db?.stopAutocompaction();
		return super.disconnect();
	}
}

interface NedbDatastore {
	loadDatabaseAsync(): Promise<void>;
	insertAsync(doc: unknown): Promise<unknown>;
	findOneAsync(query: Filter): Promise<unknown>;
	countAsync(query: Filter): Promise<number>;
	removeAsync(query: Filter, options: object): Promise<number>;
	ensureIndexAsync(options: object): Promise<void>;
	removeIndexAsync(field: string): Promise<void>;
	updateAsync(query: Filter, update: Update, options: object): Promise<{ numAffected: number; affectedDocuments: unknown }>;
	stopAutocompaction(): void;
}

interface NedbLike {
	ensureIndex(o: { fieldName: string | string[]; unique?: boolean; sparse?: boolean }): Promise<void>;
	setAutocompactionInterval?(ms: number): void;
}
interface MongoLike {
	createIndex(spec: Record<string, 1>, o: { unique?: boolean; sparse?: boolean }): Promise<string>;
}

/** Creates an index on either store. */
export async function ensureIndex(adapter: unknown, spec: IndexSpec): Promise<void> {
	const a = adapter as { db?: NedbLike; collection?: MongoLike };
	if (a.collection) {
		await a.collection.createIndex(Object.fromEntries(spec.fields.map(f => [f, 1 as const])), { unique: spec.unique, sparse: spec.sparse });
	} else if (a.db) {
		await a.db.ensureIndex({ fieldName: spec.fields.length === 1 ? spec.fields[0] : spec.fields, unique: spec.unique, sparse: spec.sparse });
	}
}

/** NeDB appends every write to its file; compacting now and then keeps the file, and the next start, small. */
export function scheduleCompaction(adapter: unknown): void {
	const db = (adapter as { db?: NedbLike }).db;
	if (storeKind() === "nedb" && db?.setAutocompactionInterval) db.setAutocompactionInterval(10 * 60_000);
}

/**
 * `mixins: [DbMixin("inventory")]`: a store named after the collection, connected before the
 * service starts. moleculer-db's generic CRUD actions are switched off: a service publishes
 * only the actions it writes itself, each with its own validation and authorization.
 */
export function DbMixin(collection: string, opts: DbMixinOptions = {}): Partial<ServiceSchema> {
	return {
		mixins: [DbService as unknown as Partial<ServiceSchema>],
		actions: {
			find: false,
			count: false,
			list: false,
			create: false,
			insert: false,
			get: false,
			update: false,
			remove: false,
		},
		created() {
			// Runs after moleculer-db's own created(), which set up a throwaway in-memory adapter.
			this.adapter = createAdapter(this.name, collection);
			this.adapter.init(this.broker, this);
		},
		async afterConnected(this: DbMethods & { adapter: Store<Doc> }) {
			for (const spec of opts.indexes ?? []) await ensureIndex(this.adapter, spec);
			scheduleCompaction(this.adapter);
			if (this.seed && (await this.adapter.count()) === 0) await this.seed();
		},
	} as Partial<ServiceSchema>;
}
