import Validator from "fastest-validator";
import { listParams, normalizeQuery } from "../../services/products/query";

// The same validator options Moleculer uses (moleculer/src/validators/fastest.js).
const check = new Validator({ useNewCustomCheckerFunction: true }).compile(listParams as any);

function validate(params: Record<string, unknown>): true | string[] {
	const result = check(params);
	return result === true ? true : (result as { field?: string; actual?: unknown }[]).map(e => e.field ?? String(e.actual));
}

describe("catalog query", () => {
	it("takes whole numbers written in plain digits, from a query string or a service", () => {
		const params: Record<string, unknown> = { page: "3", pageSize: 50, minPrice: "0" };
		expect(validate(params)).toBe(true);
		expect(params).toEqual({ page: 3, pageSize: 50, minPrice: 0 });
	});

	it.each([["2.5"], ["1e2"], ["0x1f"], [" 4"], [""], [["2"]], [{ $gt: 0 }], [true]])("refuses %j as a page number", value => {
		expect(validate({ page: value })).toEqual(["page"]);
	});

	it("refuses a value that is not a string where text belongs", () => {
		expect(validate({ q: { $ne: "x" } })).toEqual(["q"]);
		expect(validate({ category: ["audio"] })).toEqual(["category"]);
		expect(validate({ sort: { $natural: 1 } })).toEqual(["sort"]);
	});

	it("fills in the defaults: the first page of 20, sorted by name", () => {
		expect(normalizeQuery({})).toEqual({ words: null, category: null, minPrice: null, maxPrice: null, sort: "name", page: 1, pageSize: 20 });
	});

	it("keeps the words of a search, and none for a search without a single letter or digit", () => {
		expect(normalizeQuery({ q: "Cast IRON lamps" }).words).toEqual(["cast", "iron", "lamp"]);
		expect(normalizeQuery({ q: "$%^&*" }).words).toEqual([]);
	});

	it("treats an empty search as no search", () => {
		expect(normalizeQuery({ q: "" }).words).toBeNull();
	});
});
