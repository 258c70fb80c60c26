// A product as stored, and as shown.
import type { Doc } from "../../mixins/db.mixin";
import { ConflictError, invalidField } from "../../lib/errors";
import type { Product, ProductInput } from "./products.contract";
import { words } from "./search";

/** Prices are in the base currency, in cents. */
export interface ProductDoc extends Doc, Required<ProductInput> {
	/** Its place among the shop's picks ("Featured"), 1 first; 0 (or absent, in older records): not a pick. */
	featured?: number;
	createdAt: string;
	updatedAt: string;
	/** The name without case or accents: what `sort=name` orders by. */
	sortName: string;
}

/** Shown for products an admin created without an image. */
import { PLACEHOLDER_IMAGE } from "../../lib/seed-catalog/images";

export { PLACEHOLDER_IMAGE };

/** Pages and searches are answered by the read model (catalog-index.ts); the store only finds by id and SKU. */
export const PRODUCT_INDEXES = [{ fields: ["sku"], unique: true }];

export function sortNameOf(name: string): string {
	return words(name).join(" ");
}

/** The fields derived from the name, recomputed whenever it changes. */
export function derived(name: string): Pick<ProductDoc, "sortName"> {
	return { sortName: sortNameOf(name) };
}

export function newProductDoc(id: string, input: ProductInput & { featured?: number }, now: string): ProductDoc {
	return {
		_id: id,
		featured: input.featured ?? 0,
		sku: input.sku,
		name: input.name,
		description: input.description,
		category: input.category,
		price: input.price,
		imageUrl: input.imageUrl ?? PLACEHOLDER_IMAGE,
		createdAt: now,
		updatedAt: now,
		...derived(input.name),
	};
}

/** What a shopper sees, in the base currency, before availability is known. */
export function toProduct(doc: ProductDoc, baseCurrency: string): Product {
	return {
		id: doc._id,
		sku: doc.sku,
		name: doc.name,
		description: doc.description,
		category: doc.category,
		price: doc.price,
		currency: baseCurrency,
		imageUrl: doc.imageUrl,
		available: null,
		featured: doc.featured ?? 0,
		createdAt: doc.createdAt,
		updatedAt: doc.updatedAt,
	};
}

/** Prices are kept in the base currency: a product sent as read (with its `currency`) must name that one. */
export function assertBaseCurrency(currency: string | undefined, base: string): void {
	if (currency !== undefined && currency !== base) throw invalidField("currency", `Prices are kept in ${base}: give the price in ${base}, or leave currency out`);
}

/**
 * The picks a fresh install starts with, by SKU, first first: one of each kind, so that "Featured"
 * opens on a varied shelf rather than the alphabet. Admins change them in the product editor.
 */
export const SEED_PICKS: readonly string[] = ["KIT-DUTCH-5", "AUD-HP-ANC", "OUT-TENT-2", "OFF-KB-MECH", "APP-RAIN-M", "BOK-BREAD"];

/** A seeded product's place among the picks (0: not one). */
export function seedPick(sku: string): number {
	return SEED_PICKS.indexOf(sku) + 1;
}

/** Two products may not share a SKU. */
export function skuTaken(sku: string): ConflictError {
	return new ConflictError(`SKU ${sku} is already used by another product`, "SKU_TAKEN", { sku });
}
