// services/recommendations/recommendations.service.ts — up to four other products worth a look beside the one a
// shopper is viewing: same category, in stock first, nearest in price.
//
// It keeps no data of its own and reads no other service's store: it asks products for the
// neighbours in price on each side (two indexed, cached list calls, each with `available` from
// one batched inventory call) and ranks them (recommend.ts). Optional by design:
// the gateway gives it 1 s and answers [] without it.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { call } from "../../lib/call";
import { implement } from "../../lib/contract";
import { RecommendationsContract } from "./recommendations.contract";
import { recommend } from "./recommend";
import { config } from "../../lib/config";
import { convertOrKeep } from "../../lib/currency-client";
import type { Product, ProductQuery } from "../products/products.contract";
import type { ShopContext } from "../../lib/meta";
import { idempotentRead } from "../../lib/read-policy";

/** Candidates fetched on each side of the product's price; the ranking keeps four of them. */
const NEIGHBOURS_PER_SIDE = 10;

interface RecommendationsSettings extends ServiceSettingSchema {
	baseCurrency: string;
	/** Each call made for one answer; the gateway waits 1 s for all of it. */
	callTimeoutMs: number;
}

interface RecommendationsMethods {
	inCurrency(ctx: ShopContext, products: Product[], wanted: string | undefined): Promise<Product[]>;
}

type RecommendationsThis = Service<RecommendationsSettings> & RecommendationsMethods;

const RecommendationsService: ServiceSchema<RecommendationsSettings, RecommendationsMethods> = {
	name: RecommendationsContract.name,

	settings: {
		baseCurrency: config.baseCurrency,
		callTimeoutMs: 800,
	},

	actions: implement<RecommendationsThis>()(RecommendationsContract, {
		/** Called by the gateway for GET /api/products/:id/recommendations. A 404 for an unknown product. */
		forProduct: {
			...idempotentRead(2_000), // Safe to repeat elsewhere: reads the catalog and ranks; nothing is stored.
			visibility: "public",
			async handler(ctx) {
				const opts = { timeout: this.settings.callTimeoutMs };
				const product = await call(ctx, "products.get", { id: ctx.params.id }, opts);
				const side = (range: ProductQuery) => call(ctx, "products.list", { category: product.category, pageSize: NEIGHBOURS_PER_SIDE, ...range }, opts);
				const [cheaper, dearer] = await Promise.all([
					side({ maxPrice: product.price, sort: "-price" }),
					side({ minPrice: product.price, sort: "price" }),
				]);
				return this.inCurrency(ctx, recommend(product, [...cheaper.rows, ...dearer.rows]), ctx.params.currency);
			},
		},
	}),

	methods: {
		/** Converted in one call; left in the base currency when currency is down. New objects: the rows may be cached. */
		async inCurrency(ctx: ShopContext, products: Product[], wanted: string | undefined): Promise<Product[]> {
			const base = this.settings.baseCurrency;
			if (wanted === undefined || wanted === base) return products;
			const converted = await convertOrKeep(ctx, base, wanted, products.map(p => p.price), this.settings.callTimeoutMs);
			return products.map((p, i) => ({ ...p, price: converted.amounts[i], currency: converted.currency }));
		},
	},
};

export default RecommendationsService;
