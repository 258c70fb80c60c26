// What other services may know of currency: the codes it shows prices in, and conversion.
import { action, as, contract, type ActionsOf } from "../../lib/contract";

/** An ISO 4217 code as a param; which codes exist is currency's to say (a 422 from convert). */
export const CURRENCY_CODE = { type: "string", length: 3 } as const;

/** `?currency=` on any price-showing action: three letters, any case; unknown codes are a 422 from convert. */
export const currencyParam = { type: "string", optional: true, pattern: /^[A-Za-z]{3}$/, uppercase: true } as const;

export const CurrencyContract = contract("currency", {
	list: action({ params: { $$strict: true }, result: as<string[]>() }),
	/** Convert many amounts (integer minor units) from one currency to another in one call. */
	convert: action({
		params: {
			$$strict: true,
			from: CURRENCY_CODE,
			to: CURRENCY_CODE,
			amounts: { type: "array", max: 1000, items: "number|integer" },
		},
		result: as<{ currency: string; amounts: number[] }>(),
	}),
});

export type CurrencyActions = ActionsOf<typeof CurrencyContract>;
