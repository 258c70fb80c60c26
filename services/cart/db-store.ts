// Carts in the shop's document store (mixins/db.mixin.ts: NeDB files, memory in tests, or
// MongoDB): one document per cart, each write a conditional update on its version. Guest carts
// past their time are removed by the service's sweep.
import type { Service } from "moleculer";
import { createAdapter, isDuplicateKey, type Store } from "../../mixins/db.mixin";
import { definedFields, type CartDoc, type CartFields, type CartStore } from "./store";

export class DbCartStore implements CartStore {
	constructor(
		private readonly db: Store<CartDoc>,
		private readonly disconnect: () => Promise<void> = async () => undefined,
	) {}

	/** The `carts` collection of `service`'s own store, connected, with the index the sweep needs. */
	static async open(service: Service): Promise<DbCartStore> {
		const adapter = createAdapter(service.name, "carts");
		adapter.init(service.broker, service);
		await adapter.connect();
		// Sparse: only guest carts expire. Signed-in carts all under one "no expiry" key would make
		// every write to one of them scan that list (NeDB keeps a key's documents in one array).
		const expiry = { fields: ["expiresAt"], sparse: true };
		await adapter.ensureIndex(expiry);
		await adapter.dropOtherIndexes([expiry]);
		return new DbCartStore(adapter as unknown as Store<CartDoc>, () => adapter.disconnect());
	}

	read(key: string): Promise<CartDoc | null> {
		return this.db.findOne({ _id: key });
	}

	async write(key: string, version: number, fields: CartFields): Promise<boolean> {
		const set = { ...definedFields(fields), version: version + 1 };
		if (version > 0) return (await this.db.updateMany({ _id: key, version }, { $set: set })) === 1;
		try {
			await this.db.insert({ lines: [], updatedAt: "", ...set, _id: key });
			return true;
		} catch (err) {
			if (isDuplicateKey(err)) return false;
			throw err;
		}
	}

	async touch(key: string, expiresAt: number): Promise<void> {
		await this.db.updateMany({ _id: key }, { $set: { expiresAt } });
	}

	async dropClaim(key: string, claimId: string): Promise<void> {
		await this.db.updateMany({ _id: key, "claim.id": claimId }, { $unset: { claim: true } });
	}

	removeExpired(now: number): Promise<number> {
		return this.db.removeMany({ expiresAt: { $lte: now } });
	}

	count(): Promise<number> {
		return this.db.count();
	}

	async clear(): Promise<void> {
		await this.db.clear();
	}

	close(): Promise<void> {
		return this.disconnect();
	}
}
