import fc from "fast-check";
import { MAX_LINES, MAX_QUANTITY, mergeLines, quantityOf, withQuantity, withoutOrdered } from "../../services/cart/lines";
import type { CartLineRef } from "../../services/cart/cart.contract";

const ids = ["a", "b", "c", "d", "e", "f"];
const lines = fc.uniqueArray(fc.record({ productId: fc.constantFrom(...ids), quantity: fc.integer({ min: 1, max: MAX_QUANTITY }) }), { selector: l => l.productId });
const availability = fc.option(fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: 0, max: 150 })), { nil: null });

describe("cart lines", () => {
	it("appends a new product, replaces a quantity in place and removes a line at 0", () => {
		const start: CartLineRef[] = [{ productId: "a", quantity: 1 }, { productId: "b", quantity: 2 }];
		expect(withQuantity(start, "c", 3)).toEqual([...start, { productId: "c", quantity: 3 }]);
		expect(withQuantity(start, "a", 5)).toEqual([{ productId: "a", quantity: 5 }, { productId: "b", quantity: 2 }]);
		expect(withQuantity(start, "a", 0)).toEqual([{ productId: "b", quantity: 2 }]);
		expect(withQuantity(start, "zzz", 0)).toEqual(start);
		expect(start).toHaveLength(2);
	});

	it("adds a guest's quantities to the user's, capped at 99 and at what is available", () => {
		const user = [{ productId: "a", quantity: 60 }, { productId: "b", quantity: 1 }];
		const guest = [{ productId: "a", quantity: 50 }, { productId: "b", quantity: 2 }, { productId: "c", quantity: 4 }];
		expect(mergeLines(user, guest, new Map([["a", 500], ["b", 500], ["c", 500]]))).toEqual({
			lines: [{ productId: "a", quantity: 99 }, { productId: "b", quantity: 3 }, { productId: "c", quantity: 4 }],
			capped: [{ productId: "a", requested: 110, kept: 99 }],
		});
		expect(mergeLines(user, guest, new Map([["a", 70], ["b", 500], ["c", 0]]))).toEqual({
			lines: [{ productId: "a", quantity: 70 }, { productId: "b", quantity: 3 }],
			capped: [{ productId: "a", requested: 110, kept: 70 }, { productId: "c", requested: 4, kept: 0 }],
		});
	});

	it("caps only at 99 when inventory cannot be asked", () => {
		expect(mergeLines([{ productId: "a", quantity: 98 }], [{ productId: "a", quantity: 5 }, { productId: "b", quantity: 7 }], null)).toEqual({
			lines: [{ productId: "a", quantity: 99 }, { productId: "b", quantity: 7 }],
			capped: [{ productId: "a", requested: 103, kept: 99 }],
		});
	});

	it("never lowers the user's own quantities, never passes the caps, and reports every shortfall", () => {
		fc.assert(
			fc.property(lines, lines, availability, (user, guest, avail) => {
				const available = avail && new Map(Object.entries(avail));
				const { lines: merged, capped } = mergeLines(user, guest, available);
				for (const id of ids) {
					const had = quantityOf(user, id);
					const requested = had + quantityOf(guest, id);
					const limit = Math.min(MAX_QUANTITY, available ? (available.get(id) ?? 0) : Infinity);
					const kept = quantityOf(merged, id);
					expect(kept).toBe(Math.max(had, Math.min(requested, limit)));
					expect(merged.filter(l => l.productId === id).length).toBeLessThanOrEqual(1);
					const report = capped.find(c => c.productId === id);
					expect(report).toEqual(kept < requested ? { productId: id, requested, kept } : undefined);
				}
				expect(merged.every(l => Number.isInteger(l.quantity) && l.quantity >= 1)).toBe(true);
			}),
		);
	});

	it("leaves out new products once the cart holds the most lines it may", () => {
		const full = Array.from({ length: MAX_LINES }, (_, i) => ({ productId: `p${i}`, quantity: 1 }));
		const { lines: merged, capped } = mergeLines(full, [{ productId: "p0", quantity: 1 }, { productId: "new", quantity: 2 }], null);
		expect(merged).toHaveLength(MAX_LINES);
		expect(quantityOf(merged, "p0")).toBe(2);
		expect(capped).toEqual([{ productId: "new", requested: 2, kept: 0 }]);
	});

	it("takes an order's quantities out of the cart and keeps everything else, in order", () => {
		const cart = [{ productId: "a", quantity: 3 }, { productId: "b", quantity: 1 }, { productId: "c", quantity: 2 }];
		const ordered = [{ productId: "a", quantity: 2 }, { productId: "b", quantity: 1 }];
		expect(withoutOrdered(cart, ordered)).toEqual([{ productId: "a", quantity: 1 }, { productId: "c", quantity: 2 }]);
		expect(withoutOrdered(cart, [{ productId: "a", quantity: 9 }, { productId: "gone", quantity: 1 }])).toEqual(cart.slice(1));
	});

	it("never leaves a line at 0 or below, and never touches a product the order did not have", () => {
		fc.assert(
			fc.property(lines, lines, (cart, ordered) => {
				const left = withoutOrdered(cart, ordered);
				for (const id of ids) expect(quantityOf(left, id)).toBe(Math.max(0, quantityOf(cart, id) - quantityOf(ordered, id)));
				expect(left.every(l => l.quantity >= 1)).toBe(true);
			}),
		);
	});
});
