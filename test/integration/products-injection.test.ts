// Hostile and malformed catalog queries: each is a 422 naming the parameter, never a 500 and
// never a page of rows the query did not ask for.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

describe("catalog query validation", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService] as ServiceSchema[]);
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());

	it.each([
		// Operator objects, as qs parses them from brackets.
		["q[$ne]=x", "q"],
		["q[$regex]=.*", "q"],
		["q[$where]=sleep(1000)", "q"],
		["category[$ne]=audio", "category"],
		["category[$in][]=audio&category[$in][]=books", "category"],
		["minPrice[$gt]=0", "minPrice"],
		["maxPrice[$lt]=999999", "maxPrice"],
		["sort[$natural]=1", "sort"],
		["page[$gt]=0", "page"],
		// Arrays where one value belongs.
		["q=a&q=b", "q"],
		["page[]=2", "page"],
		["pageSize[0]=5", "pageSize"],
		// Wrong types and ranges.
		["page=abc", "page"],
		["page=0", "page"],
		["page=1.5", "page"],
		["page=1e3", "page"],
		["page=0x10", "page"],
		["page=", "page"],
		["pageSize=0", "pageSize"],
		["pageSize=101", "pageSize"],
		["pageSize=-5", "pageSize"],
		["minPrice=-1", "minPrice"],
		["maxPrice=12.50", "maxPrice"],
		["minPrice=99999999999999999999", "minPrice"],
		["sort=price;drop", "sort"],
		["sort=popularity", "sort"],
		["category=Audio%20%26%20Video", "category"],
		["category=../../etc", "category"],
		[`q=${"x".repeat(101)}`, "q"],
		["currency[$ne]=USD", "currency"],
		["currency=12", "currency"],
	])("refuses ?%s with a 422 naming %s", async (query, field) => {
		const res = await http.get(`${base}/api/products?${query}`);
		expect(res.status).toBe(422);
		expect(res.body).toEqual(expect.objectContaining({ name: "ValidationError", code: 422, type: "VALIDATION_ERROR" }));
		expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
		expect(res.body).not.toHaveProperty("rows");
	});

	it.each(["$where=1", "filter[price]=1", "query=%7B%7D", "limit=1000", "offset=5", "populate=owner", "_id=prod-0001"])(
		"refuses the unknown parameter in ?%s with a 422",
		async query => {
			const res = await http.get(`${base}/api/products?${query}`);
			expect(res.status).toBe(422);
			expect(res.body.type).toBe("VALIDATION_ERROR");
		},
	);

	it("refuses a price range whose ends are the wrong way round", async () => {
		const res = await http.get(`${base}/api/products?minPrice=5000&maxPrice=1000`);
		expect(res.status).toBe(422);
		expect(res.body.data).toEqual([expect.objectContaining({ field: "maxPrice" })]);
	});

	it.each([
		["%5E.*%24", ""], // ^.*$
		["(a%2B)%2B%24", "a"], // (a+)+$
		["%7B%22%24ne%22%3A1%7D", "ne 1"], // {"$ne":1}
		["%2Fhead.*%2Fi", "head i"], // /head.*/i
		["'%20OR%201%3D1--", "or 1 1"], // ' OR 1=1--
	])("takes the syntax in ?q=%s as no more than the words in it", async (raw, words) => {
		const res = await http.get(`${base}/api/products?q=${raw}&pageSize=100`);
		const plain = await http.get(`${base}/api/products?q=${encodeURIComponent(words)}&pageSize=100`);
		expect(res.status).toBe(200);
		expect(res.body.total).toBeLessThan(48);
		if (words) expect(res.body).toEqual(plain.body);
		else expect(res.body.total).toBe(0);
	});

	it("treats an operator object in the path as a plain id that does not exist", async () => {
		for (const id of ["%7B%22%24ne%22%3Anull%7D", "%5B%24ne%5D", "prod-0001%00"]) {
			const res = await http.get(`${base}/api/products/${id}`);
			expect(res.status).toBe(404);
		}
	});

	it("never answers a 500 to odd but harmless input", async () => {
		for (const query of ["q=%F0%9F%8E%A7", "q=%E2%80%AE", "q=caf%C3%A9", "category=a-b-c", "pageSize=100&page=10000", "q=+++", "sort=-name&q=the"]) {
			const res = await http.get(`${base}/api/products?${query}`);
			expect({ query, status: res.status }).toEqual({ query, status: 200 });
		}
	});
});
