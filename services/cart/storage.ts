// The cart's store, opened when the service starts and closed when it stops: Redis when
// `settings.store` (CART_STORE) names one, else the shop's document store. Mixed in before
// PeriodicWork, so that stopping waits for a sweep in progress before the store closes.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { ClockMethods } from "../../mixins/clock.mixin";
import { Carts, type GuestLifetimes } from "./carts";
import { DbCartStore } from "./db-store";
import { cartKeyPrefix, RedisCartStore } from "./redis-store";
import type { CartStore } from "./store";

export interface CartStorageSettings extends ServiceSettingSchema, GuestLifetimes {
	/** `redis://host:6379/<db>`: carts in Redis; null: in the service's own document store. */
	store: string | null;
}

type StorageThis = Service & ClockMethods & { carts: Carts };

export function openCartStore(service: StorageThis): Promise<CartStore> {
	const url = (service.settings as CartStorageSettings).store;
	if (!url) return DbCartStore.open(service);
	return RedisCartStore.open(url, cartKeyPrefix(service.broker.namespace), () => service.now());
}

export const CartStorage = {
	async started(this: StorageThis) {
		this.carts = new Carts(await openCartStore(this), () => this.now(), this.settings as CartStorageSettings);
	},

	async stopped(this: StorageThis) {
		await this.carts?.store.close();
	},
} as Partial<ServiceSchema>;
