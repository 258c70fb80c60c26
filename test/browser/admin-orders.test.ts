// The admin looks after orders in Chromium: the orders list a page at a time (the page, the
// status filter and the search kept in the hash), found by status, by buyer e-mail and by the
// short id the lists show; one order's page with its payment attempts, shipment and messages;
// "Cancel and refund" taking it back; the payments list paged and filtered the same way; an order
// that ships while its page is open refused in words. Shipping runs on a clock the test moves.
// axe on every page: not one violation.
import type { Page } from "playwright-core";
import { ADDRESS, expectAccessible, GOOD_CARD, journey, signInAsAdmin, useShop } from "../support/browser";
import { http } from "../support/http";
import { waitFor } from "../support/poll";
import { SHIP_AFTER, shippingOnClock, sweepShipments } from "../support/shipping";

let clock = Date.now();
const shop = useShop({ services: { shipping: shippingOnClock(() => clock) } });
const DECLINED_CARD = { ...GOOD_CARD, cardNumber: "4000000000000002" };

interface Buyer {
	email: string;
	token: string;
}

const shortId = (id: string) => id.split("-")[0].toUpperCase();
const hashOf = (page: Page) => page.evaluate(() => decodeURIComponent((globalThis as any).location.hash));

describe("the admin looks after orders", () => {
	let seq = 0;
	const api = () => `${shop().base}/api`;

	async function buyer(name: string): Promise<Buyer> {
		const email = `${name}-${process.pid}-${Date.now()}@shop.test`;
		const res = await http.post(`${api()}/auth/register`, { email, password: "correct-horse-battery", name });
		expect(res.status).toBe(201);
		return { email, token: res.body.token };
	}

	/** One order of a product with stock to spare, placed through the API; the order, or the refused one. */
	async function order(who: Buyer, products: { id: string }[], card = GOOD_CARD): Promise<any> {
		await http.post(`${api()}/cart/items`, { productId: products[seq++ % products.length].id, quantity: 1 }, { token: who.token });
		const res = await http.post(`${api()}/checkout`, { shippingAddress: ADDRESS, payment: card }, { token: who.token });
		expect(res.status).toBe(card === GOOD_CARD ? 201 : 402);
		return res.body;
	}

	journey(
		"pages, filters and searches orders; opens one; cancels and refunds it; pages and filters payments",
		shop,
		async ({ page }) => {
			// Seven orders (one refused) and seven charge attempts: two pages of five each.
			const products = (await http.get(`${api()}/products?pageSize=100`)).body.rows.filter((p: any) => p.available >= 10);
			const [ann, bob] = [await buyer("ann"), await buyer("bob")];
			const annOrders = [await order(ann, products), await order(ann, products), await order(ann, products)];
			for (let i = 0; i < 3; i++) await order(bob, products);
			await order(bob, products, DECLINED_CARD);

			await signInAsAdmin(page);
			await page.goto("/#/admin/orders?pageSize=5");
			const count = page.locator(".admin-panel .result-count");
			const rows = page.locator(".admin-panel table tbody tr");
			await count.filter({ hasText: "Showing 1–5 of 7 orders." }).waitFor();
			expect(await rows.count()).toBe(5);
			await page.getByText("Page 1 of 2").waitFor();
			await expectAccessible(page, "admin orders, page 1");

			// Page 2: the two oldest, Ann's first order last.
			await page.getByRole("link", { name: "Next →" }).click();
			await count.filter({ hasText: "Showing 6–7 of 7 orders." }).waitFor();
			expect(await hashOf(page)).toBe("#/admin/orders?pageSize=5&page=2");
			expect(await rows.count()).toBe(2);
			expect(await rows.last().innerText()).toContain(`#${shortId(annOrders[0].id)}`);
			await expectAccessible(page, "admin orders, page 2");

			// The refused order, with its reason.
			await page.getByLabel("Status").selectOption("failed");
			await page.getByRole("button", { name: "Find orders" }).click();
			await count.filter({ hasText: "Showing 1–1 of 1 order." }).waitFor();
			expect(await hashOf(page)).toBe("#/admin/orders?status=failed&pageSize=5");
			expect(await rows.first().innerText()).toMatch(/Failed\s+Card declined\s/);
			expect(await rows.first().innerText()).toContain(bob.email);
			await expectAccessible(page, "admin orders, failed");

			// A buyer by e-mail (any case), every status.
			await page.getByLabel("Status").selectOption("");
			await page.getByLabel("Order id or customer e-mail").fill(ann.email.toUpperCase());
			await page.getByRole("button", { name: "Find orders" }).click();
			await count.filter({ hasText: "Showing 1–3 of 3 orders." }).waitFor();
			expect(await page.locator(".admin-panel .customer-email").allInnerTexts()).toEqual([ann.email, ann.email, ann.email]);
			await expectAccessible(page, "admin orders, by e-mail");

			// An e-mail nobody ordered with: nothing, and no error.
			await page.getByLabel("Order id or customer e-mail").fill("nobody@shop.test");
			await page.getByRole("button", { name: "Find orders" }).click();
			await count.filter({ hasText: "No orders match." }).waitFor();

			// An order by the short id the list shows; then its page.
			const target = annOrders[2];
			await page.getByLabel("Order id or customer e-mail").fill(`#${shortId(target.id)}`);
			await page.getByRole("button", { name: "Find orders" }).click();
			await count.filter({ hasText: "Showing 1–1 of 1 order." }).waitFor();
			await page.getByRole("link", { name: `#${shortId(target.id)}` }).click();
			await page.getByRole("heading", { level: 1, name: `Order #${shortId(target.id)}` }).waitFor();
			const main = page.locator("main");
			const payments = page.locator("section", { has: page.getByRole("heading", { name: "Payment attempts" }) });
			const messages = page.locator("section", { has: page.getByRole("heading", { name: "Messages to the customer" }) });
			await payments.locator("tbody tr", { hasText: "Charged" }).waitFor();
			await messages.locator("tbody tr", { hasText: "Order confirmed" }).waitFor();
			const shipment = page.locator("section", { has: page.getByRole("heading", { name: "Shipment" }) });
			expect(await shipment.innerText()).toContain(target.shipment.trackingId);
			expect(await main.innerText()).toContain(ann.email);
			expect(await main.innerText()).toContain(target.items[0].name);
			await expectAccessible(page, "admin order page");

			// Cancel and refund (the confirm() is accepted by the test's page).
			await page.getByRole("button", { name: "Cancel and refund" }).click();
			await page.getByText("The order is cancelled and the payment refunded").waitFor();
			await page.locator(".order-meta .badge", { hasText: "Cancelled" }).waitFor();
			await payments.locator("tbody tr", { hasText: "Refunded" }).waitFor();
			expect(await page.getByRole("button", { name: "Cancel and refund" }).count()).toBe(0);
			// The message goes out from the order's outbox: the page shows it once it is written.
			await waitFor(
				async () => {
					await page.reload();
					await messages.locator("tbody tr").first().waitFor();
					return messages.innerText();
				},
				text => text.includes("Order cancelled"),
				{ what: "the cancellation among the order's messages", timeoutMs: 15_000 },
			);
			await expectAccessible(page, "admin order page, cancelled");

			// Back to the list it came from; the order is cancelled there too.
			await page.getByRole("link", { name: "← All orders" }).click();
			await count.filter({ hasText: "Showing 1–1 of 1 order." }).waitFor();
			await rows.first().filter({ hasText: "Cancelled" }).waitFor();

			// Payments: seven attempts, five a page; then the refund alone, then one order's.
			await page.goto("/#/admin/payments?pageSize=5");
			await count.filter({ hasText: "Showing 1–5 of 7 charge attempts." }).waitFor();
			await page.getByRole("link", { name: "Next →" }).click();
			await count.filter({ hasText: "Showing 6–7 of 7 charge attempts." }).waitFor();
			await expectAccessible(page, "admin payments, page 2");
			await page.getByLabel("Status").selectOption("refunded");
			await page.getByRole("button", { name: "Filter" }).click();
			await count.filter({ hasText: "Showing 1–1 of 1 charge attempt." }).waitFor();
			expect(await rows.first().innerText()).toContain(`#${shortId(target.id)}`);
			await page.getByLabel("Status").selectOption("");
			await page.getByLabel("Order id").fill(shortId(annOrders[1].id).toLowerCase());
			await page.getByRole("button", { name: "Filter" }).click();
			await count.filter({ hasText: "Showing 1–1 of 1 charge attempt." }).waitFor();
			expect(await rows.first().innerText()).toMatch(new RegExp(`#${shortId(annOrders[1].id)}[\\s\\S]*Charged`));
			await expectAccessible(page, "admin payments, by order");
			expect(await main.innerText()).not.toMatch(/\bnull\b|\bundefined\b|NaN/);
		},
		undefined,
		90_000,
	);

	journey("says why an order that shipped while its page was open cannot be cancelled", shop, async ({ page }) => {
		const products = (await http.get(`${api()}/products?pageSize=100`)).body.rows.filter((p: any) => p.available >= 10);
		const who = await buyer("cy");
		const placed = await order(who, products);
		await signInAsAdmin(page);
		await page.goto(`/#/admin/orders/${encodeURIComponent(placed.id)}`);
		const cancel = page.getByRole("button", { name: "Cancel and refund" });
		await cancel.waitFor();

		// The parcel leaves while the admin reads the page; the order learns it from shipping's event.
		clock += SHIP_AFTER;
		await sweepShipments(shop().broker);
		await waitFor(
			async () => (await http.get(`${api()}/orders/${encodeURIComponent(placed.id)}`, { token: who.token })).body.status,
			status => status === "shipped",
			{ what: "the order shipped", timeoutMs: 15_000 },
		);

		await cancel.click();
		const refusal = page.getByRole("alert").filter({ hasText: "This order has already shipped and can no longer be cancelled" });
		await refusal.waitFor();
		expect(await cancel.count()).toBe(0); // nothing to try again
		await expectAccessible(page, "admin order page, shipped meanwhile");
		await page.reload();
		await page.getByText("A shipped order can no longer be cancelled.").waitFor();
	});
});
