// services/currency/currency.service.ts — the currencies the shop shows prices in, and conversion between them.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { config } from "../../lib/config";
import { implement } from "../../lib/contract";
import { invalidField } from "../../lib/errors";
import { CurrencyContract } from "./currency.contract";
import { convertMinor } from "./convert";
import { CURRENCIES, RATES_DATE } from "./rates";
import { idempotentRead } from "../../lib/read-policy";

const CODES = Object.keys(CURRENCIES);

interface CurrencySettings extends ServiceSettingSchema {
	baseCurrency: string;
	ratesDate: string;
}

type CurrencyThis = Service<CurrencySettings>;

const CurrencyService: ServiceSchema<CurrencySettings> = {
	name: CurrencyContract.name,

	settings: { baseCurrency: config.baseCurrency, ratesDate: RATES_DATE },

	actions: implement<CurrencyThis>()(CurrencyContract, {
		/** GET /api/currencies */
		list: {
			...idempotentRead(), // Safe to repeat elsewhere: the list of codes, fixed.
			auth: "public",
			cache: true,
			handler() {
				return CODES;
			},
		},

		/** Many amounts in one call, so a page of products costs one round trip. Pure, so safe to retry. */
		convert: {
			visibility: "public",
			cache: { keys: ["from", "to", "amounts"] },
			retryPolicy: { retries: 2 },
			handler(ctx) {
				const { from, to, amounts } = ctx.params;
				for (const [field, code] of [["from", from], ["to", to]] as const) {
					if (!CURRENCIES[code]) throw invalidField(field, `Unknown currency '${code}'; known: ${CODES.join(", ")}`);
				}
				return { currency: to, amounts: amounts.map(a => convertMinor(a, from, to)) };
			},
		},
	}),
};

export default CurrencyService;
