// Prices in the shopper's currency, for every service that shows some: one batched call, and the
// shop goes on in its base currency when the currency service cannot answer.
import { call } from "./call";
import { invalidField } from "./errors";
import type { ShopContext } from "./meta";

export interface Converted {
	currency: string;
	amounts: number[];
}

/**
 * Base-currency cents in `wanted`. Unchanged, in `base`, when none is asked for or the currency
 * service is down or slow (one try within `timeout`); a code it does not know is a 422 on `currency`.
 */
export async function convertOrKeep(ctx: ShopContext, base: string, wanted: string | undefined, amounts: number[], timeout: number): Promise<Converted> {
	if (!wanted || wanted === base) return { currency: base, amounts };
	try {
		return await call(ctx, "currency.convert", { from: base, to: wanted, amounts }, { timeout, retries: 0, ifDown: { fallback: { currency: base, amounts } } });
	} catch (err) {
		if ((err as { code?: unknown }).code === 422) throw invalidField("currency", `Unknown currency '${wanted}'`);
		throw err;
	}
}
