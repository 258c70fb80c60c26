// ?currency= on the catalog: prices converted with one currency call per answer, an unknown code
// refused, and base-currency prices (still a 200) while the currency service is down.
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { convertMinor } from "../../services/currency/convert";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import ProductsService from "../../services/products/products.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

let convertCalls = 0;
const countConvertCalls: Middleware = {
	localAction(handler: any, action: any) {
		if (action.name !== "currency.convert") return handler;
		return (ctx: any) => {
			convertCalls++;
			return handler(ctx);
		};
	},
} as Middleware;

const priceOf = new Map(SEED_PRODUCTS.map(p => [p.id, p.price]));

describe("prices in another currency", () => {
	let broker: ServiceBroker;
	let base: string;

	beforeAll(async () => {
		broker = await startBroker([ApiService, ProductsService, CurrencyService] as ServiceSchema[], { middlewares: [countConvertCalls] });
		base = gatewayUrl(broker);
	});
	afterAll(() => broker.stop());
	beforeEach(() => {
		convertCalls = 0;
	});

	it("converts every price of a page with one call, and says which currency", async () => {
		const res = await http.get(`${base}/api/products?currency=EUR&pageSize=30`);
		expect(res.status).toBe(200);
		expect(res.body.rows).toHaveLength(30);
		for (const row of res.body.rows) {
			expect(row.currency).toBe("EUR");
			expect(row.price).toBe(convertMinor(priceOf.get(row.id)!, "USD", "EUR"));
		}
		expect(convertCalls).toBe(1);
	});

	it("converts one product, also into a currency without cents", async () => {
		const res = await http.get(`${base}/api/products/prod-0017?currency=JPY`);
		expect(res.status).toBe(200);
		expect(res.body).toEqual(expect.objectContaining({ currency: "JPY", price: convertMinor(29900, "USD", "JPY") }));
		expect(Number.isInteger(res.body.price)).toBe(true);
	});

	it("accepts a code in lower case", async () => {
		const res = await http.get(`${base}/api/products/prod-0017?currency=gbp`);
		expect(res.body.currency).toBe("GBP");
	});

	it("keeps base prices, without a call, for the base currency or none", async () => {
		const usd = await http.get(`${base}/api/products/prod-0001?currency=USD`);
		const none = await http.get(`${base}/api/products/prod-0001`);
		expect(usd.body).toEqual(expect.objectContaining({ price: 8900, currency: "USD" }));
		expect(none.body).toEqual(expect.objectContaining({ price: 8900, currency: "USD" }));
		expect(convertCalls).toBe(0);
	});

	it("refuses a currency it does not know with a 422 naming the field", async () => {
		for (const path of ["/api/products?currency=XYZ", "/api/products/prod-0001?currency=XYZ", "/api/products?currency=EURO"]) {
			const res = await http.get(`${base}${path}`);
			expect({ path, status: res.status }).toEqual({ path, status: 422 });
			expect(res.body.data).toEqual([expect.objectContaining({ field: "currency" })]);
		}
	});

	it("answers in the base currency while currency is down, and converts again once it is back", async () => {
		await broker.destroyService(broker.getLocalService("currency"));

		const list = await http.get(`${base}/api/products?currency=EUR&category=audio`);
		expect(list.status).toBe(200);
		for (const row of list.body.rows) expect(row).toEqual(expect.objectContaining({ currency: "USD", price: priceOf.get(row.id) }));
		const one = await http.get(`${base}/api/products/prod-0018?currency=EUR`);
		expect(one.status).toBe(200);
		expect(one.body).toEqual(expect.objectContaining({ currency: "USD", price: 12900 }));

		broker.createService(CurrencyService);
		await broker.waitForServices(["currency"]);
		const back = await http.get(`${base}/api/products/prod-0018?currency=EUR`);
		expect(back.body).toEqual(expect.objectContaining({ currency: "EUR", price: convertMinor(12900, "USD", "EUR") }));
	});
});
