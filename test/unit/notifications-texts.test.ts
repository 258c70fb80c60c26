// The shopper's messages are worded by notifications, from the facts orders sends.
import { money, render } from "../../services/notifications/texts";

const order = {
	items: [{ name: "Mug", quantity: 2, unitPrice: 1999, lineTotal: 3998 }],
	subtotal: 3998,
	shippingCost: 500,
	total: 4498,
	currency: "USD",
};

describe("amounts in the shopper's messages", () => {
	it("writes each currency with its own number of decimals", () => {
		expect(money(1999, "USD")).toBe("19.99 USD");
		expect(money(5, "EUR")).toBe("0.05 EUR");
		expect(money(-250, "GBP")).toBe("-2.50 GBP");
		expect(money(1999, "JPY")).toBe("1999 JPY");
		expect(money(1234, "KWD")).toBe("1.234 KWD");
	});
});

describe("message texts", () => {
	it("confirms an order with its lines, its total and shipping, and the parcel's tracking number", () => {
		const { subject, text } = render("order.confirmed", "abcdef12-3456", { ...order, shipment: { carrier: "UPS", trackingId: "1Z9" } });
		expect(subject).toBe("Your order ABCDEF12 is confirmed");
		expect(text.split("\n")).toEqual(["Thank you for your order.", "", "  2 × Mug: 39.98 USD", "", "Total: 44.98 USD (shipping 5.00 USD)", "Carrier: UPS, tracking number 1Z9"]);
	});

	it("tells a cancelled order's buyer how much goes back to their card", () => {
		expect(render("order.cancelled", "o1", order).text).toMatch(/^Your order was cancelled and 44\.98 USD is on its way back to your card\./);
	});
});
