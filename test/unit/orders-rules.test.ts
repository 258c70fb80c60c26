import { isCardNumber } from "../../lib/cards";
import { checkedCard, last4 } from "../../services/orders/card";
import { canonicalJson, hashBody, idempotencyKeyOf, sameBody } from "../../services/orders/idempotency";
import { mergeLines, priceItems, totals } from "../../services/orders/pricing";
import { TRANSITIONS, canMove, isFinal, attemptedSteps, stepsUpTo } from "../../services/orders/state";
import { resumesForward } from "../../services/orders/saga";
import type { Product } from "../../services/products/products.contract";
import type { OrderStatus } from "../../services/orders/orders.contract";

const product = (id: string, price: number, currency = "USD"): Product => ({
	id,
	sku: id,
	name: `Product ${id}`,
	description: "",
	category: "c",
	price,
	currency,
	imageUrl: "",
	available: 10,
});

const body = {
	shippingAddress: { name: "Ada", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
	payment: { cardNumber: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" },
};

describe("order state machine", () => {
	it("never lets a settled order go back to pending", () => {
		for (const from of Object.keys(TRANSITIONS) as OrderStatus[]) expect(canMove(from, "pending")).toBe(false);
	});

	it("lets only a confirmed order be cancelled, so a shipped one can no longer be", () => {
		const cancellable = (Object.keys(TRANSITIONS) as OrderStatus[]).filter(s => canMove(s, "cancelled"));
		expect(cancellable).toEqual(["confirmed"]);
	});

	it("treats failed, cancelled and delivered orders as final", () => {
		expect(["failed", "cancelled", "delivered"].every(s => isFinal(s as OrderStatus))).toBe(true);
		expect(isFinal("confirmed")).toBe(false);
	});

	it("lets a delivered event land even when the shipped one was missed", () => {
		expect(canMove("confirmed", "delivered")).toBe(true);
	});

	it("undoes a step that timed out or was cut off, since it may still have landed", () => {
		expect([...stepsUpTo(attemptedSteps(1, "unknown"))]).toEqual(["reserve", "charge"]);
		expect([...stepsUpTo(attemptedSteps(3, "unknown"))]).toEqual(["reserve", "charge", "book", "commit"]);
	});

	it("does not undo a step that was refused or never sent", () => {
		expect([...stepsUpTo(attemptedSteps(1, "answered"))]).toEqual(["reserve"]);
		expect([...stepsUpTo(attemptedSteps(2, "not-sent"))]).toEqual(["reserve", "charge"]);
		expect([...stepsUpTo(attemptedSteps(0, "answered"))]).toEqual([]);
	});

	it("finishes an interrupted checkout only once the money is taken", () => {
		expect(resumesForward(1)).toBe(false);
		expect(resumesForward(2)).toBe(true);
	});
});

describe("order pricing", () => {
	it("prices every line from the catalog, whatever the cart said", () => {
		const items = priceItems([{ productId: "a", quantity: 2 }], [product("a", 1999)], "USD");
		expect(items).toEqual([{ productId: "a", name: "Product a", unitPrice: 1999, quantity: 2, lineTotal: 3998 }]);
	});

	it("adds shipping to the subtotal in integer cents", () => {
		const items = priceItems([{ productId: "a", quantity: 3 }, { productId: "b", quantity: 1 }], [product("a", 333), product("b", 1)], "USD");
		expect(totals(items, 495)).toEqual({ subtotal: 1000, shippingCost: 495, total: 1495 });
	});

	it("refuses with 409 a line whose product left the catalog", () => {
		expect(() => priceItems([{ productId: "gone", quantity: 1 }], [], "USD")).toThrow(expect.objectContaining({ code: 409, type: "OUT_OF_STOCK" }));
	});

	it("never charges a price in another currency as if it were the base one", () => {
		expect(() => priceItems([{ productId: "a", quantity: 1 }], [product("a", 100, "EUR")], "USD")).toThrow(/base currency/);
	});

	it("merges repeated lines of one product", () => {
		expect(mergeLines([{ productId: "a", quantity: 1 }, { productId: "b", quantity: 1 }, { productId: "a", quantity: 2 }])).toEqual([
			{ productId: "a", quantity: 3 },
			{ productId: "b", quantity: 1 },
		]);
	});
});

describe("card checks at checkout", () => {
	it("accepts the contract's test cards", () => {
		for (const n of ["4242424242424242", "4000000000000002", "4000000000009995"]) expect(isCardNumber(n)).toBe(true);
	});

	it("answers a mistyped number with 422 before anything is reserved", () => {
		expect(() => checkedCard({ ...body.payment, cardNumber: "4242424242424241" })).toThrow(expect.objectContaining({ code: 422 }));
	});

	it("takes numbers typed with spaces and keeps only the last 4 digits for the order", () => {
		expect(checkedCard({ ...body.payment, cardNumber: "4242 4242 4242 4242" }).cardNumber).toBe("4242424242424242");
		expect(last4("4242 4242 4242 4242")).toBe("4242");
	});
});

describe("Idempotency-Key bodies", () => {
	it("sees the same body in another field order as the same request", () => {
		const reordered = { payment: { cvc: "123", expYear: 2030, expMonth: 12, cardNumber: "4242424242424242" }, shippingAddress: { ...body.shippingAddress } };
		expect(canonicalJson(reordered)).toBe(canonicalJson(body));
		expect(sameBody(hashBody(body), reordered)).toBe(true);
	});

	it("tells a different address, card or expiry under the same key apart", () => {
		const stored = hashBody(body);
		expect(sameBody(stored, { ...body, shippingAddress: { ...body.shippingAddress, city: "Shelbyville" } })).toBe(false);
		expect(sameBody(stored, { ...body, payment: { ...body.payment, cardNumber: "4000000000000002" } })).toBe(false);
		expect(sameBody(stored, { ...body, payment: { ...body.payment, expYear: body.payment.expYear + 1 } })).toBe(false);
	});

	it("stores nothing from which the full card number or the cvc could be guessed: the hash does not depend on them", () => {
		const stored = hashBody(body);
		const sameLast4 = { ...body, payment: { ...body.payment, cardNumber: "5555 0000 1111 4242", cvc: "987" } };
		expect(sameBody(stored, sameLast4)).toBe(true);
		// What the shop may keep is all it takes to make the same hash: guessing the rest finds nothing.
		expect(stored).toBe(hashBody({ shippingAddress: body.shippingAddress, payment: { cardNumber: "4242", expMonth: body.payment.expMonth, expYear: body.payment.expYear, cvc: "" } }));
	});

	it("keeps one user's key apart from another's", () => {
		expect(idempotencyKeyOf("u1", "k", "o1")).not.toBe(idempotencyKeyOf("u2", "k", "o2"));
		expect(idempotencyKeyOf("u1", null, "o1")).not.toBe(idempotencyKeyOf("u1", null, "o2"));
	});
});
