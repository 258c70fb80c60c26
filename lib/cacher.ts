// The broker's cacher from the configuration. Unset CACHER: an in-memory LRU with CACHE_MAX
// entries at most, so what a node remembers is bounded by its operator and not by how many
// distinct questions its clients ask (every distinct catalog query is an entry). CACHER=redis://…:
// one cache shared by the cluster, bounded by Redis's own maxmemory.
import type { BrokerOptions } from "moleculer";
import type { ShopConfig } from "./config";

export function cacherOption(cfg: Pick<ShopConfig, "cacher" | "cacheMax">): BrokerOptions["cacher"] {
	if (cfg.cacher) return cfg.cacher as BrokerOptions["cacher"];
	return { type: "MemoryLRU", options: { max: cfg.cacheMax } };
}
