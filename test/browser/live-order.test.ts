// The order page follows the order live (Server-Sent Events): a change made elsewhere shows
// without a reload. My orders lists what was bought, not refused attempts.
import { apiFromPage, expectAccessible, journey, orderOf, signUp, useShop, ADDRESS, GOOD_CARD } from "../support/browser";

const shop = useShop();

describe("orders in the browser", () => {
	journey("shows a change of the order on its open page without a reload", shop, async ({ page }) => {
		await page.locator(".card").first().waitFor();
		await signUp(page);
		const order = await orderOf(page, "prod-0002");
		await page.goto(`/#/orders/${order.id}`);
		await page.locator(".order-meta .badge", { hasText: "Confirmed" }).waitFor();
		const marker = await page.evaluate(() => ((globalThis as any).__notReloaded = true));

		// Cancelled from another tab (here: straight through the API).
		await apiFromPage(page, "POST", `/api/orders/${order.id}/cancel`, {});
		await page.locator(".order-meta .badge", { hasText: "Cancelled" }).waitFor({ timeout: 10_000 });
		expect(await page.evaluate(() => (globalThis as any).__notReloaded)).toBe(marker);
		await expectAccessible(page, "order, live");
	});

	journey("lists what was bought in My orders, not a refused checkout", shop, async ({ page }) => {
		await page.locator(".card").first().waitFor();
		await signUp(page);
		const bought = await orderOf(page, "prod-0003");
		await apiFromPage(page, "POST", "/api/cart/items", { productId: "prod-0003", quantity: 1 });
		await apiFromPage(page, "POST", "/api/checkout", { shippingAddress: ADDRESS, payment: { ...GOOD_CARD, cardNumber: "4000000000000002" } }).catch(() => undefined);
		await page.goto("/#/orders");
		await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("table tbody tr").length > 0, undefined, { timeout: 15_000 });
		const rows = await page.locator("table tbody tr").allInnerTexts();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toContain(String(bought.id).split("-")[0].toUpperCase());
		expect(rows.join("\n")).not.toMatch(/Failed/i);
	});
});
