// How the shop writes money, stock, dates and statuses for people. Pure functions: no DOM.

/** The catalog's own currency (the contract's default): what price filters use and checkout charges. */
export const SHOP_CURRENCY = "USD";

const moneyFormats = new Map();
function moneyFormat(currency) {
	let format = moneyFormats.get(currency);
	if (!format) {
		format = new Intl.NumberFormat(undefined, { style: "currency", currency });
		moneyFormats.set(currency, format);
	}
	return format;
}

/** Digits of the currency's minor unit: 2 for cents, 0 for yen. */
export function minorDigits(currency) {
	return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units (1999) → "$19.99"; the API never sends float money, and neither do we. */
export function money(minor, currency) {
	if (typeof minor !== "number" || !Number.isFinite(minor)) return "—";
	return moneyFormat(currency || SHOP_CURRENCY).format(minor / 10 ** minorDigits(currency || SHOP_CURRENCY));
}

/** "19.99" typed by a person → 1999 minor units; null when it is not a price. */
export function toMinor(text, currency = SHOP_CURRENCY) {
	const value = Number(String(text).trim().replace(",", "."));
	if (String(text).trim() === "" || !Number.isFinite(value) || value < 0) return null;
	return Math.round(value * 10 ** minorDigits(currency));
}

/** 1999 → "19.99": a price as an input's value (no currency sign, no grouping). */
export function fromMinor(minor, currency = SHOP_CURRENCY) {
	if (typeof minor !== "number") return "";
	const digits = minorDigits(currency);
	return (minor / 10 ** digits).toFixed(digits);
}

/** At or below this many left, the shopper is told how many. */
export const FEW_LEFT = 5;

/** What a shopper reads about stock, and a tone for the badge. `available` null: inventory did not answer. */
export function availability(available) {
	if (available === null || available === undefined) return { text: "Availability unknown", tone: "unknown", canBuy: true };
	if (available <= 0) return { text: "Sold out", tone: "out", canBuy: false };
	if (available <= FEW_LEFT) return { text: `Only ${available} left`, tone: "low", canBuy: true };
	return { text: "In stock", tone: "in", canBuy: true };
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export function dateTime(iso) {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? "—" : dateFormat.format(date);
}

const STATUS_TEXT = {
	pending: "Pending",
	confirmed: "Confirmed",
	cancelled: "Cancelled",
	failed: "Failed",
	shipped: "Shipped",
	delivered: "Delivered",
	booked: "Booked",
	charged: "Charged",
	declined: "Declined",
	refunded: "Refunded",
};
export function statusText(status) {
	return STATUS_TEXT[status] ?? String(status ?? "—");
}

const NOTIFICATION_TEXT = {
	"order.confirmed": "Order confirmed",
	"order.cancelled": "Order cancelled",
	"order.shipped": "Order shipped",
	"order.delivered": "Order delivered",
};
export function notificationText(type) {
	return NOTIFICATION_TEXT[type] ?? type;
}

/** Categories are stored as keys ("kitchen"); people read them capitalised. */
export function categoryLabel(name) {
	const text = String(name ?? "");
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Order ids are UUIDs: the first block is enough for a person to tell orders apart. */
export function shortId(id) {
	return String(id ?? "").split("-")[0].toUpperCase();
}

/** "1 item", "3 items". */
export function plural(count, one, many = `${one}s`) {
	return `${count} ${count === 1 ? one : many}`;
}

const regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(undefined, { type: "region" }) : null;
/** "DE" → "Germany" in the shopper's language. */
export function countryName(code) {
	try {
		return regionNames?.of(code) ?? code;
	} catch {
		return code;
	}
}
