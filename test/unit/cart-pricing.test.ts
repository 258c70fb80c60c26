import fc from "fast-check";
import { MAX_QUANTITY } from "../../services/cart/lines";
import { priceCart, type PricedProduct } from "../../services/cart/pricing";

/** A random cart: distinct products, each present in the catalog or gone, with stock or not. */
const cartCase = fc
	.uniqueArray(
		fc.record({
			productId: fc.string({ minLength: 1, maxLength: 12 }),
			quantity: fc.integer({ min: 1, max: MAX_QUANTITY }),
			price: fc.integer({ min: 0, max: 50_000_000 }),
			gone: fc.boolean(),
			available: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
		}),
		{ selector: l => l.productId, maxLength: 100 },
	)
	.map(rows => ({
		rows,
		lines: rows.map(({ productId, quantity }) => ({ productId, quantity })),
		products: new Map<string, PricedProduct>(rows.filter(r => !r.gone).map(r => [r.productId, { name: `Product ${r.productId}`, price: r.price }])),
		available: new Map(rows.flatMap(r => (r.available === undefined ? [] : [[r.productId, r.available] as const]))),
	}));

describe("priceCart", () => {
	it("makes every lineTotal and the subtotal exact in cents, for any cart", () => {
		fc.assert(
			fc.property(cartCase, ({ rows, lines, products, available }) => {
				const cart = priceCart({ lines, products, available, currency: "USD" });

				let subtotal = 0n;
				let itemCount = 0;
				expect(cart.items.map(i => i.productId)).toEqual(rows.map(r => r.productId));
				rows.forEach((row, i) => {
					const item = cart.items[i];
					expect(item.quantity).toBe(row.quantity);
					if (row.gone) {
						expect(item).toMatchObject({ unitPrice: null, lineTotal: null, problem: "product-gone" });
						return;
					}
					expect(item.unitPrice).toBe(row.price);
					expect(BigInt(item.lineTotal as number)).toBe(BigInt(row.price) * BigInt(row.quantity));
					subtotal += BigInt(row.price) * BigInt(row.quantity);
					itemCount += row.quantity;
				});
				expect(BigInt(cart.subtotal)).toBe(subtotal);
				expect(cart.itemCount).toBe(itemCount);
				expect(cart.currency).toBe("USD");
			}),
			{ numRuns: 500 },
		);
	});

	it("flags exactly the lines that want more than is available", () => {
		fc.assert(
			fc.property(cartCase, ({ rows, lines, products, available }) => {
				const cart = priceCart({ lines, products, available, currency: "USD" });
				rows.forEach((row, i) => {
					if (row.gone) return;
					const left = row.available ?? 0;
					expect(cart.items[i].available).toBe(left);
					expect(cart.items[i].problem).toBe(left < row.quantity ? "not-enough-stock" : undefined);
				});
			}),
		);
	});

	it("shows a cart without stock figures, and without flags, when inventory cannot be asked", () => {
		const cart = priceCart({ lines: [{ productId: "p1", quantity: 3 }], products: new Map([["p1", { name: "Mug", price: 1250 }]]), available: null, currency: "EUR" });
		expect(cart).toEqual({
			items: [{ productId: "p1", name: "Mug", unitPrice: 1250, quantity: 3, lineTotal: 3750, available: null }],
			itemCount: 3,
			subtotal: 3750,
			currency: "EUR",
		});
	});

	it("keeps a gone product in view but out of the subtotal", () => {
		const cart = priceCart({
			lines: [{ productId: "gone", quantity: 2 }, { productId: "p1", quantity: 1 }],
			products: new Map([["p1", { name: "Mug", price: 999 }]]),
			available: new Map([["p1", 5]]),
			currency: "USD",
		});
		expect(cart.items[0]).toEqual({ productId: "gone", name: null, unitPrice: null, quantity: 2, lineTotal: null, available: 0, problem: "product-gone" });
		expect(cart.subtotal).toBe(999);
		expect(cart.itemCount).toBe(1);
	});

	it("prices an empty cart at zero", () => {
		expect(priceCart({ lines: [], products: new Map(), available: new Map(), currency: "USD" })).toEqual({ items: [], itemCount: 0, subtotal: 0, currency: "USD" });
	});
});
