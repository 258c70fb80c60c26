// What a parcel costs. The shop ships from one warehouse in the US; the price depends on the
// destination zone and the number of items, not on what the items are (the catalog keeps no
// weights), so a quote needs no other service and answers even when the catalog is down.
import { EUROPE, NORTH_AMERICA } from "./countries";
import type { ShippingQuote, ShippingZone } from "./shipping.contract";

export const ORIGIN_COUNTRY = "US";

export interface ZoneRate {
	carrier: string;
	/** Cents for the first item. */
	base: number;
	/** Cents for every further item. */
	perItem: number;
	estimatedDays: number;
}

export const RATES: Readonly<Record<ShippingZone, ZoneRate>> = {
	domestic: { carrier: "ShopPost Ground", base: 499, perItem: 99, estimatedDays: 3 },
	"north-america": { carrier: "ShopPost Continental", base: 999, perItem: 199, estimatedDays: 6 },
	europe: { carrier: "Atlas Air Parcel", base: 1_499, perItem: 299, estimatedDays: 8 },
	world: { carrier: "Atlas Air Parcel", base: 2_499, perItem: 499, estimatedDays: 12 },
};

/** Big parcels go by freight, which takes a little longer. */
const ITEMS_PER_EXTRA_DAY = 20;

export function zoneOf(country: string): ShippingZone {
	if (country === ORIGIN_COUNTRY) return "domestic";
	if (NORTH_AMERICA.has(country)) return "north-america";
	if (EUROPE.has(country)) return "europe";
	return "world";
}

/** `country` is a checked ISO code; `itemCount` ≥ 1. */
export function quoteFor(country: string, itemCount: number, currency: string): ShippingQuote {
	const zone = zoneOf(country);
	const rate = RATES[zone];
	return {
		cost: rate.base + rate.perItem * (itemCount - 1),
		currency,
		carrier: rate.carrier,
		estimatedDays: rate.estimatedDays + Math.floor((itemCount - 1) / ITEMS_PER_EXTRA_DAY),
		zone,
	};
}
