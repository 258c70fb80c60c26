// Converting integer minor units between currencies, exactly, with one rounding at the end.
import { CURRENCIES } from "./rates";

/**
 * `amount` minor units of `from` in minor units of `to`, rounded half away from zero
 * (1.5 → 2, -1.5 → -2): the commercial rule, the one a shopper checks with a calculator.
 * Exact up to the single rounding: the arithmetic is done in BigInt.
 */
export function convertMinor(amount: number, from: string, to: string): number {
	if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be a whole number of minor units, not ${amount}`);
	if (from === to) return amount;
	const f = CURRENCIES[from];
	const t = CURRENCIES[to];
	if (!f || !t) throw new RangeError(`unknown currency ${f ? to : from}`);
	const numerator = BigInt(amount) * t.perUsdMicros * 10n ** BigInt(t.exponent);
	const denominator = f.perUsdMicros * 10n ** BigInt(f.exponent);
	return Number(divideRoundHalfAway(numerator, denominator));
}

function divideRoundHalfAway(n: bigint, d: bigint): bigint {
	const negative = n < 0n !== d < 0n;
	const an = n < 0n ? -n : n;
	const ad = d < 0n ? -d : d;
	const q = (2n * an + ad) / (2n * ad);
	return negative ? -q : q;
}
