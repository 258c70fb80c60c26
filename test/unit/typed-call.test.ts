// The compile-time half of this test is `npm run typecheck` (part of npm test): each
// "@ts-expect-error" line below must really be an error, or the type check fails.
import type { Context } from "moleculer";
import { call, type ResultOf } from "../../lib/call";

function fakeContext(result: unknown): Context {
	return { call: jest.fn(async () => result) } as unknown as Context;
}

describe("typed calls between services", () => {
	it("passes the action name, params and options through to ctx.call", async () => {
		const ctx = fakeContext({ currency: "EUR", amounts: [1730] });
		const res = await call(ctx, "currency.convert", { from: "USD", to: "EUR", amounts: [1999] }, { timeout: 500 });
		expect(ctx.call).toHaveBeenCalledWith("currency.convert", { from: "USD", to: "EUR", amounts: [1999] }, { timeout: 500 });
		const amounts: number[] = res.amounts;
		expect(amounts).toEqual([1730]);
	});

	it("rejects wrong names, params and uses of the result at compile time", async () => {
		const ctx = fakeContext([]);
		// @ts-expect-error — no such action
		await call(ctx, "currency.convertt", { from: "USD", to: "EUR", amounts: [] });
		// @ts-expect-error — amounts must be numbers
		await call(ctx, "currency.convert", { from: "USD", to: "EUR", amounts: ["1"] });
		// @ts-expect-error — a required param is missing
		await call(ctx, "inventory.reserve", { orderId: "o1" });
		const list: ResultOf<"currency.list"> = await call(ctx, "currency.list", {});
		// @ts-expect-error — the result is string[], not a number
		const wrong: number = list;
		expect(wrong).toEqual([]);
	});
});
