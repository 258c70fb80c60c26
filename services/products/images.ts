// The picture of a product created without one of its own: the same kind of tile as the seeded
// products' (lib/seed-catalog/images.ts), drawn from its category, id and name when it is asked
// for (products.picture, which the gateway serves as /images/products/<id>.svg). Nothing is
// written at create, so a create costs no file and a products node needs no disk shared with
// the gateways; a renamed product's tile follows its new name.
import type { ActionCacheOptions, ActionSchema, Context } from "moleculer";
import { NotFoundError } from "../../lib/errors";
import { idempotentRead } from "../../lib/read-policy";
import { productSvg } from "../../lib/seed-catalog/images";
import type { Store } from "../../mixins/db.mixin";
import type { ProductDoc } from "./product";

/** Where the gateway serves a product's drawn tile (services/api/routes.ts pictureRoute). */
export function drawnPictureUrl(id: string): string {
	return `/images/products/${id}.svg`;
}

/** An id as the gateway takes it from the path: bounded, and only the characters ids are made of. */
export const PICTURE_ID = { type: "string", min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ } as const;

/**
 * How moleculer-web sends a tile (it reads these from the action, so a cached answer gets them
 * too). Browsers keep it five minutes, then ask again with the ETag the gateway's route adds; the
 * policy forbids anything active in it, were a name ever to slip through the escaping.
 */
export const PICTURE_RESPONSE = {
	responseType: "image/svg+xml; charset=utf-8",
	responseHeaders: {
		"Cache-Control": "public, max-age=300",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
		"X-Content-Type-Options": "nosniff",
	},
} satisfies Partial<ActionSchema>;

/** products.picture: a stored product's tile (a 404 for an unknown id). */
export function pictureAction(cache: ActionCacheOptions) {
	return {
		...idempotentRead(), // Safe to repeat elsewhere: draws from product data.
		auth: "public" as const,
		cache,
		...PICTURE_RESPONSE,
		async handler(this: { adapter: Store<ProductDoc> }, ctx: Context<{ id: string }>): Promise<string> {
			const doc = await this.adapter.findOne({ _id: ctx.params.id });
			if (!doc) throw new NotFoundError("Product", { id: ctx.params.id });
			return productSvg({ ...doc, id: doc._id });
		},
	};
}
