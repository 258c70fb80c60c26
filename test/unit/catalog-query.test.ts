import Validator from "fastest-validator";
import { listParams, normalizeQuery, toStoreQuery } from "../../services/products/query";

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

	it("builds the filter from checked values only, keywords last for NeDB's index choice", () => {
		const store = toStoreQuery(normalizeQuery({ q: "cast iron skillet", category: "kitchen", minPrice: 100, maxPrice: 900, sort: "-price", page: 3, pageSize: 10 }));
		expect(store).toEqual({
			query: { category: "kitchen", price: { $gte: 100, $lte: 900 }, $and: [{ keywords: "cast" }, { keywords: "iron" }], keywords: "skillet" },
			sort: ["-price", "_id"],
			offset: 20,
			limit: 10,
		});
		expect(Object.keys(store!.query).at(-1)).toBe("keywords");
	});

	it("defaults to the first page of 20, sorted by name, ties broken by id", () => {
		expect(toStoreQuery(normalizeQuery({}))).toEqual({ query: {}, sort: ["sortName", "_id"], offset: 0, limit: 20 });
	});

	it("asks the store nothing for a search without a single word", () => {
		expect(toStoreQuery(normalizeQuery({ q: "$%^&*" }))).toBeNull();
	});

	it("treats an empty search as no search", () => {
		expect(toStoreQuery(normalizeQuery({ q: "" }))?.query).toEqual({});
	});
});
