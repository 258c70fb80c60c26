// What other services may know of recommendations: one action, optional by design.
import { action, as, contract, type ActionsOf } from "../../lib/contract";
import { currencyParam } from "../currency/currency.contract";
import type { Product } from "../products/products.contract";

export const RecommendationsContract = contract("recommendations", {
	/** Up to 4 other products of the same category, in stock first, then nearest in price. A 404 for an unknown product. */
	forProduct: action({
		params: { $$strict: true, id: { type: "string", min: 1, max: 64 }, currency: currencyParam },
		result: as<Product[]>(),
	}),
});

export type RecommendationsActions = ActionsOf<typeof RecommendationsContract>;
