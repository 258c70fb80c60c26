// Stand-ins around the real inventory service in its integration tests.
import type { ServiceSchema } from "moleculer";

/** A products service that knows the ids in `catalog` (inventory asks before an admin sets stock). */
export function productsKnowing(catalog: Set<string>): ServiceSchema {
	return {
		name: "products",
		actions: {
			getMany: {
				params: { ids: { type: "array", items: "string" } },
				handler: ctx => (ctx.params.ids as string[]).filter(id => catalog.has(id)).map(id => ({ id })),
			},
		},
	};
}

/** A service that writes down the product ids of every "inventory.changed" it hears. */
export function changeListener(heard: string[][]): ServiceSchema {
	return {
		name: "listener",
		events: {
			"inventory.changed"(ctx) {
				heard.push((ctx.params as { productIds: string[] }).productIds);
			},
		},
	};
}
