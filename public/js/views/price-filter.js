// The catalog's price filter in the currency the shopper reads prices in. The API filters in the
// shop's own currency (minPrice/maxPrice in its minor units) and does not publish its exchange
// rates, but it shows every price both ways: the same products read in both currencies pin the
// rate down to a few millionths, and each bound is then turned into the shop's currency so that
// the products it keeps are exactly those whose shown price is in the range.
import * as api from "../api.js";
import { SHOP_CURRENCY } from "../format.js";

const SAMPLE = 100; // the priciest products: the larger a price, the less its rounding hides

const rates = new Map(); // currency → Promise<number | null>: one lookup per visit

/**
 * Shown minor units per minor unit of the shop's currency (EUR cents per US cent), or null when
 * it cannot be told (the currency service is down and prices come unconverted).
 */
export function rateOf(currency, signal) {
	if (!currency || currency === SHOP_CURRENCY) return Promise.resolve(1);
	if (!rates.has(currency)) {
		const lookup = learnRate(currency, signal).catch(() => null);
		rates.set(currency, lookup);
		lookup.then(rate => rate === null && rates.delete(currency)); // ask again next time
	}
	return rates.get(currency);
}

async function learnRate(currency, signal) {
	const query = { sort: "-price", pageSize: SAMPLE };
	const [base, shown] = await Promise.all([
		api.get("/products", { query: { ...query, currency: SHOP_CURRENCY }, signal }),
		api.get("/products", { query: { ...query, currency }, signal }),
	]);
	if (shown.rows[0]?.currency !== currency) return null;
	// Each product's shown price was rounded once: the rate lies within ±½ minor unit of each
	// ratio. The narrowest common interval is the best estimate there is.
	const basePrices = new Map(base.rows.map(p => [p.id, p.price]));
	let low = 0;
	let high = Infinity;
	for (const p of shown.rows) {
		const from = basePrices.get(p.id);
		if (!from) continue;
		low = Math.max(low, (p.price - 0.5) / from);
		high = Math.min(high, (p.price + 0.5) / from);
	}
	return Number.isFinite(high) && low > 0 ? (low + high) / 2 : null;
}

/**
 * Bounds typed in the shown currency (minor units; undefined = open) as the API's minPrice and
 * maxPrice in the shop's currency. Shown prices are rounded half up from base × rate, so a base
 * price p shows at least `min` exactly when p ≥ (min − ½) / rate, and at most `max` when
 * p < (max + ½) / rate.
 */
export function toBase({ min, max }, rate) {
	if (rate === 1) return { minPrice: min, maxPrice: max };
	return {
		minPrice: min === undefined ? undefined : Math.max(0, Math.ceil((min - 0.5) / rate)),
		maxPrice: max === undefined ? undefined : Math.max(0, Math.ceil((max + 0.5) / rate) - 1),
	};
}

/** A bound in one currency's minor units, as near as can be in another's (a link shared across currencies). */
export function convertBound(value, fromRate, toRate) {
	return value === undefined ? undefined : Math.round((value / fromRate) * toRate);
}
