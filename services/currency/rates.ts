// Reference exchange rates: units of each currency for one US dollar, in millionths so that
// no float ever touches money. A fixed table with the date it was taken, not a live feed:
// replace it (or this module) to follow a real source.
export const RATES_DATE = "2026-11-02";

export interface CurrencyInfo {
	/** Units of this currency per 1 USD, × 1,000,000. */
	perUsdMicros: bigint;
	/** Digits after the decimal point in the currency's minor unit (cents: 2, yen: 0). */
	exponent: number;
}

export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = {
	USD: { perUsdMicros: 1_000_000n, exponent: 2 },
	EUR: { perUsdMicros: 865_400n, exponent: 2 },
	GBP: { perUsdMicros: 761_900n, exponent: 2 },
	CHF: { perUsdMicros: 806_300n, exponent: 2 },
	CAD: { perUsdMicros: 1_402_100n, exponent: 2 },
	JPY: { perUsdMicros: 153_870_000n, exponent: 0 },
};
