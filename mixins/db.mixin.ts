// Each service's own store: NeDB files under DATA_DIR by default, memory in tests
// (DATA_DIR=":memory:"), MongoDB when MONGO_URI is set. Services talk to `this.adapter` (and to
// `this.stores.<name>` for further collections) only through the methods of `Store`, which both
// adapters implement the same way (lib/store/).
//
// In MongoDB every service gets a database of its own, `<namespace>-<service>`: no service can
// read another's collections by accident, and each can be given its own credentials.
import fs from "node:fs";
import path from "node:path";
import type { ServiceSchema } from "moleculer";
import DbService from "moleculer-db";
import { config } from "../lib/config";
import { MongoStore } from "../lib/store/mongo-adapter";
import { NedbStore } from "../lib/store/nedb-adapter";
import { seedOnce, type SeedMark } from "../lib/store/seed";
import type { Doc, IndexSpec, Store, StoreAdapter } from "../lib/store/store";

export { isDuplicateKey, type Doc, type Filter, type FindOptions, type IndexSpec, type Store, type StoreAdapter, type Update } from "../lib/store/store";

export interface CollectionOptions {
	/** Indexes for what the service filters and sorts on. */
	indexes?: IndexSpec[];
}

export interface DbMixinOptions<T extends Doc = Doc> extends CollectionOptions {
	/** Further collections of the service, each as `this.stores.<name>`: `{ reservations: { indexes } }`. */
	collections?: Record<string, CollectionOptions>;
	/**
	 * The documents the main collection starts with. Inserted at the first start (those missing,
	 * by id, so a start interrupted half-way is completed at the next), never again after.
	 */
	seed?: () => T[];
}

export interface DbMethods {
	/** @deprecated Give `DbMixin(…, { seed })` instead. Called after connecting when the collection is empty. */
	seed?(): Promise<void>;
}

/** What the mixin adds to a service. */
export interface DbVars {
	/** Every collection of the service by name, the main one included. */
	stores: Record<string, Store<Doc>>;
	/** Whether every collection answers now (the node's readiness check asks it). */
	healthy(): Promise<boolean>;
}

/** A readiness probe must answer before its own timeout, even with the database gone. */
const PING_TIMEOUT_MS = 1_500;

/** The collection the seed marks live in, beside the service's own. */
const SEED_MARKS = "seed_marks";

export function storeKind(): "memory" | "nedb" | "mongo" {
	if (config.mongoUri) return "mongo";
	return config.dataDir.endsWith(":memory:") ? "memory" : "nedb";
}

/** The one place where NeDB and MongoDB differ: which adapter, and where its data lives. */
export function createAdapter<T extends Doc = Doc>(service: string, collection: string): StoreAdapter<T> {
	switch (storeKind()) {
		case "mongo":
			return new MongoStore<T>({ uri: config.mongoUri as string, dbName: `${config.namespace}-${service}`, collection });
		case "memory":
			return new NedbStore<T>(null);
		case "nedb": {
			const dir = path.join(config.dataDir, service);
			fs.mkdirSync(dir, { recursive: true });
			return new NedbStore<T>(path.join(dir, `${collection}.db`));
		}
	}
}

/** Creates an index on a store made by createAdapter. */
export function ensureIndex(adapter: unknown, spec: IndexSpec): Promise<void> {
	return (adapter as StoreAdapter).ensureIndex(spec);
}

interface MixinThis extends DbVars, DbMethods {
	name: string;
	broker: unknown;
	adapter: StoreAdapter;
	storeMarks: StoreAdapter<SeedMark> | null;
}

/**
 * `mixins: [DbMixin("inventory", { indexes, collections: { reservations: {…} } })]`: a store per
 * collection, connected and indexed before the service starts (moleculer-db retries the connection
 * every second until it works). moleculer-db's generic CRUD actions are switched off: a service
 * publishes only the actions it writes itself, each with its own validation and authorization.
 */
export function DbMixin<T extends Doc = Doc>(collection: string, opts: DbMixinOptions<T> = {}): Partial<ServiceSchema> {
	const collections: Record<string, CollectionOptions> = { ...opts.collections, [collection]: { indexes: opts.indexes } };
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
		created(this: MixinThis) {
			// Runs after moleculer-db's own created(), which set up a throwaway in-memory adapter.
			this.stores = Object.fromEntries(Object.keys(collections).map(name => [name, createAdapter(this.name, name)]));
			this.adapter = this.stores[collection] as StoreAdapter;
			this.storeMarks = opts.seed ? createAdapter<SeedMark>(this.name, SEED_MARKS) : null;
			for (const store of adapters(this)) store.init(this.broker, this);
		},
		methods: {
			// moleculer-db's started() calls connect() until it resolves, and stopped() disconnect().
			async connect(this: MixinThis) {
				for (const [name, { indexes = [] }] of Object.entries(collections)) {
					const store = this.stores[name] as StoreAdapter;
					await store.connect();
					for (const spec of indexes) await store.ensureIndex(spec);
					await store.dropOtherIndexes(indexes);
				}
				if (this.storeMarks && opts.seed) {
					await this.storeMarks.connect();
					await seedOnce(this.adapter as unknown as Store<T>, this.storeMarks, collection, opts.seed());
				} else if (this.seed && (await this.adapter.count()) === 0) {
					await this.seed();
				}
			},
			async disconnect(this: MixinThis) {
				await Promise.all(adapters(this).map(store => store.disconnect()));
			},
			async healthy(this: MixinThis): Promise<boolean> {
				try {
					await Promise.all(adapters(this).map(store => store.ping(PING_TIMEOUT_MS)));
					return true;
				} catch {
					return false;
				}
			},
		},
	} as unknown as Partial<ServiceSchema>;
}

function adapters(service: MixinThis): StoreAdapter<Doc>[] {
	const all = Object.values(service.stores) as StoreAdapter[];
	return service.storeMarks ? [...all, service.storeMarks as unknown as StoreAdapter] : all;
}
