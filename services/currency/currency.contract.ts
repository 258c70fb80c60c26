// Currencies and conversion between them.

export interface CurrencyActions {
	"currency.list": { params: Record<string, never>; result: string[] };
	/** Convert many amounts from one currency to another in one call. */
	"currency.convert": { params: { from: string; to: string; amounts: number[] }; result: { currency: string; amounts: number[] } };
}
