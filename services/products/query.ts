// What GET /api/products accepts. Every value is checked for type and range before use, and the
// checked query is answered by the read model (catalog-index.ts): nothing a client sends ever
// becomes part of a database query.
import { currencyParam } from "../currency/currency.contract";
import type { ProductQuery, ProductSort } from "./products.contract";
import { queryWords } from "./search";

/** A million dollars, in cents: far above any real product, far below unsafe integers. */
export const MAX_PRICE = 100_000_000;
export const MAX_PAGE = 10_000;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const SORTS: readonly ProductSort[] = ["price", "-price", "name", "-name", "createdAt", "-createdAt", "featured"];
export const DEFAULT_SORT: ProductSort = "name";

/** Lower-case words joined by hyphens: safe in a URL, a cache key and a store query. */
export const CATEGORY_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface RuleError {
	type: string;
	expected?: unknown;
	actual?: unknown;
}

/**
 * A whole number from a query string ("12") or from a service (12). The validator's own
 * `convert` would also take `page[]=2` (Number(["2"]) is 2) or "1e3" or "0x10"; this takes
 * only plain decimal digits.
 */
export function wholeNumber(min: number, max: number): { type: "custom"; optional: true; check(value: unknown, errors: RuleError[]): unknown } {
	return {
		type: "custom",
		optional: true,
		check(value: unknown, errors: RuleError[]): unknown {
			let n: number;
			if (typeof value === "number") n = value;
			else if (typeof value === "string" && /^-?\d{1,16}$/.test(value)) n = Number(value);
			else {
				errors.push({ type: "number", actual: value });
				return value;
			}
			if (!Number.isSafeInteger(n)) errors.push({ type: "numberInteger", actual: value });
			else if (n < min) errors.push({ type: "numberMin", expected: min, actual: n });
			else if (n > max) errors.push({ type: "numberMax", expected: max, actual: n });
			return n;
		},
	};
}

export const categoryParam = { type: "string", max: 40, pattern: CATEGORY_PATTERN, trim: true, lowercase: true } as const;

/** Params of products.list. `$$strict`: any other parameter is a 422. */
export const listParams = {
	$$strict: true,
	q: { type: "string", optional: true, max: 100, trim: true },
	category: { ...categoryParam, optional: true },
	minPrice: wholeNumber(0, MAX_PRICE),
	maxPrice: wholeNumber(0, MAX_PRICE),
	sort: { type: "enum", optional: true, values: SORTS },
	page: wholeNumber(1, MAX_PAGE),
	pageSize: wholeNumber(1, MAX_PAGE_SIZE),
	currency: currencyParam,
} as const;

/** A validated query, with defaults filled in. */
export interface CatalogQuery {
	words: string[] | null;
	category: string | null;
	minPrice: number | null;
	maxPrice: number | null;
	sort: ProductSort;
	page: number;
	pageSize: number;
}

/** The params of products.list as the validator leaves them: `wholeNumber` has turned its fields into numbers. */
export type ListParams = Omit<ProductQuery, "minPrice" | "maxPrice" | "page" | "pageSize"> & Partial<Record<"minPrice" | "maxPrice" | "page" | "pageSize", unknown>>;

export function normalizeQuery(p: ListParams): CatalogQuery {
	return {
		words: p.q ? queryWords(p.q) : null,
		category: p.category ?? null,
		minPrice: numberOr(p.minPrice, null),
		maxPrice: numberOr(p.maxPrice, null),
		sort: p.sort ?? DEFAULT_SORT,
		page: numberOr(p.page, 1),
		pageSize: numberOr(p.pageSize, DEFAULT_PAGE_SIZE),
	};
}

function numberOr<T>(value: unknown, fallback: T): number | T {
	return typeof value === "number" ? value : fallback;
}
