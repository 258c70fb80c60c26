// services/currency.service.ts — the currencies the shop shows prices in, and conversion between them.
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../../lib/config";
import { convertMinor } from "./convert";
import { CURRENCIES, RATES_DATE } from "./rates";
import { invalidField } from "../../lib/errors";
import type { ParamsOf, ResultOf } from "../../lib/call";
import type { ShopContext } from "../../lib/meta";

const CODES = Object.keys(CURRENCIES);

interface CurrencySettings extends ServiceSettingSchema {
	baseCurrency: string;
	ratesDate: string;
}

const CurrencyService: ServiceSchema<CurrencySettings> = {
	name: "currency",

	settings: { baseCurrency: config.baseCurrency, ratesDate: RATES_DATE },

	actions: {
		/** GET /api/currencies */
		list: {
			auth: "public",
			cache: true,
			params: { $$strict: true },
			handler(): ResultOf<"currency.list"> {
				return CODES;
			},
		},

		/** Many amounts in one call, so a page of products costs one round trip. Pure, so safe to retry. */
		convert: {
			visibility: "public",
			cache: { keys: ["from", "to", "amounts"] },
			retryPolicy: { retries: 2 },
			params: {
				$$strict: true,
				from: { type: "string", length: 3 },
				to: { type: "string", length: 3 },
				amounts: { type: "array", max: 1000, items: "number|integer" },
			},
			handler(ctx: ShopContext<ParamsOf<"currency.convert">>): ResultOf<"currency.convert"> {
				const { from, to, amounts } = ctx.params;
				for (const [field, code] of [["from", from], ["to", to]] as const) {
					if (!CURRENCIES[code]) throw invalidField(field, `Unknown currency '${code}'; known: ${CODES.join(", ")}`);
				}
				return { currency: to, amounts: amounts.map(a => convertMinor(a, from, to)) };
			},
		},
	},
};

export default CurrencyService;
