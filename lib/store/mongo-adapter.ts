// The store on MongoDB, on the official driver (6.x). Thin on purpose: each Store method is one
// driver call. What matters is around the calls:
// - one MongoClient per URI in the process, shared by every collection of every service on the
//   node; its topology reconnects by itself, for as long as it takes. A failed connect() is
//   retried on the same client (moleculer-db retries every second), never with a new one.
// - every write is acknowledged by a majority (on a single server: by that server, journaled).
// - ids are the strings we choose, never turned into ObjectIds.
// - index options hold only what is switched on (see indexOptions).
import { MongoClient, type Collection, type Db, type Filter as MongoFilter } from "mongodb";
import { indexOptions, sortSpec, StringIdStore, type Doc, type Filter, type FindOptions, type IndexSpec, type StoreAdapter, type Update } from "./store";

/** Passed with every write: the promise resolves once a majority of the replica set has it. */
export const WRITE_CONCERN = { writeConcern: { w: "majority" } } as const;

/** How long an operation waits for a reachable server before failing (the driver's default is 30 s). */
const SERVER_SELECTION_TIMEOUT_MS = 5_000;

/** What the adapter needs of a client; tests give a fake that records the calls. */
export interface MongoClientLike {
	connect(): Promise<unknown>;
	db(name: string): Db;
	close(): Promise<void>;
}

/** One client per URI, closed when the last store using it disconnects. */
export class MongoClients {
	private readonly open = new Map<string, { client: MongoClientLike; users: number }>();

	constructor(private readonly create: (uri: string) => MongoClientLike = defaultClient) {}

	acquire(uri: string): MongoClientLike {
		const entry = this.open.get(uri) ?? { client: this.create(uri), users: 0 };
		entry.users += 1;
		this.open.set(uri, entry);
		return entry.client;
	}

	async release(uri: string): Promise<void> {
		const entry = this.open.get(uri);
		if (!entry || --entry.users > 0) return;
		this.open.delete(uri);
		await entry.client.close();
	}
}

function defaultClient(uri: string): MongoClientLike {
	// ignoreUndefined: a field set to undefined is left out, as NeDB leaves it out of its file.
	return new MongoClient(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS, ignoreUndefined: true });
}

const sharedClients = new MongoClients();

export interface MongoStoreOptions {
	uri: string;
	/** Every service has a database of its own: `<namespace>-<service>`. */
	dbName: string;
	collection: string;
	clients?: MongoClients;
}

/** Our filters are plain objects that NeDB reads the same way; the driver's types are stricter. */
function asFilter<T>(query: Filter): MongoFilter<T> {
	return query as MongoFilter<T>;
}

export class MongoStore<T extends Doc = Doc> extends StringIdStore<T> implements StoreAdapter<T> {
	readonly dbName: string;
	readonly collectionName: string;
	private readonly uri: string;
	private readonly clients: MongoClients;
	private client: MongoClientLike | null = null;
	private db: Db | null = null;
	private collection: Collection<T> | null = null;

	constructor(opts: MongoStoreOptions) {
		super();
		this.uri = opts.uri;
		this.dbName = opts.dbName;
		this.collectionName = opts.collection;
		this.clients = opts.clients ?? sharedClients;
	}

	init(): void {
		// moleculer-db hands us the broker and service; the driver needs neither.
	}

	async connect(): Promise<void> {
		// The client is taken once: a retry after a failure reuses it, so no client is left behind.
		this.client ??= this.clients.acquire(this.uri);
		await this.client.connect();
		this.db = this.client.db(this.dbName);
		this.collection = this.db.collection<T>(this.collectionName);
	}

	async disconnect(): Promise<void> {
		if (!this.client) return;
		this.client = this.db = this.collection = null;
		await this.clients.release(this.uri);
	}

	async ensureIndex(spec: IndexSpec): Promise<void> {
		await this.open().createIndex(Object.fromEntries(spec.fields.map(f => [f, 1])), indexOptions(spec));
	}

	async dropOtherIndexes(): Promise<void> {
		// Nothing to do: an index MongoDB keeps costs O(log n) per write however many documents
		// share a key, and an index an operator added is theirs to keep.
	}

	async ping(timeoutMs: number): Promise<void> {
		const db = this.db;
		if (!db) throw new Error(`MongoDB database ${this.dbName} is not connected`);
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`MongoDB did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
		});
		try {
			await Promise.race([db.command({ ping: 1 }), late]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** MongoDB's documents are read into this process anyway: the same as find({}). */
	readAll(): Promise<readonly T[]> {
		return this.find({});
	}

	find({ query = {}, sort, limit, offset }: FindOptions): Promise<T[]> {
		const cursor = this.open().find(asFilter(query));
		if (sort?.length) cursor.sort(sortSpec(sort));
		if (offset && offset > 0) cursor.skip(offset);
		if (limit && limit > 0) cursor.limit(limit);
		return cursor.toArray() as Promise<T[]>;
	}

	findOne(query: Filter): Promise<T | null> {
		return this.open().findOne(asFilter(query)) as Promise<T | null>;
	}

	findById(id: string): Promise<T | null> {
		return this.findOne({ _id: id });
	}

	findByIds(ids: string[]): Promise<T[]> {
		return this.find({ query: { _id: { $in: ids } } });
	}

	count({ query = {} }: { query?: Filter } = {}): Promise<number> {
		return this.open().countDocuments(asFilter(query));
	}

	async insert(doc: T): Promise<T> {
		await this.open().insertOne(doc as never, WRITE_CONCERN);
		return doc;
	}

	/** In order; a duplicate stops the batch there (the documents before it stay). */
	async insertMany(docs: T[]): Promise<T[]> {
		if (docs.length > 0) await this.open().insertMany(docs as never[], { ...WRITE_CONCERN, ordered: true });
		return docs;
	}

	async updateMany(filter: Filter, update: Update): Promise<number> {
		return (await this.open().updateMany(asFilter(filter), update, WRITE_CONCERN)).modifiedCount;
	}

	updateById(id: string, update: Update): Promise<T | null> {
		return this.open().findOneAndUpdate(asFilter({ _id: id }), update, { ...WRITE_CONCERN, returnDocument: "after" }) as Promise<T | null>;
	}

	async removeMany(filter: Filter): Promise<number> {
		return (await this.open().deleteMany(asFilter(filter), WRITE_CONCERN)).deletedCount;
	}

	async removeById(id: string): Promise<number> {
		return (await this.open().deleteOne(asFilter({ _id: id }), WRITE_CONCERN)).deletedCount;
	}


	private open(): Collection<T> {
		if (!this.collection) throw new Error(`MongoDB collection ${this.dbName}.${this.collectionName} is not connected`);
		return this.collection;
	}
}
