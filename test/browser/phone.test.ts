// The shop on a phone (390 × 844, the size of a common handset): products in the first screen,
// filters folded away, tables that fit the width, and news (toasts) that never covers a form.
import type { Page } from "playwright-core";
import { expectAccessible, journey, orderOf, overlaps, signUp, useShop } from "../support/browser";

const PHONE = { width: 390, height: 844 };

const shop = useShop();

/** How far the page, and each table, reach past the screen's width (0 when everything fits). */
function sidewaysOverflow(page: Page): Promise<number[]> {
	return page.evaluate(() => {
		const doc = (globalThis as any).document;
		const wraps = [...doc.querySelectorAll(".table-wrap")] as any[];
		return [doc.documentElement.scrollWidth - doc.documentElement.clientWidth, ...wraps.map(w => w.scrollWidth - w.clientWidth)];
	});
}

/** The boxes of the form controls on the page that the toasts cover. */
async function coveredControls(page: Page): Promise<string[]> {
	const covered: string[] = [];
	for (const toast of await page.locator("#toasts .toast").all()) {
		const box = await toast.boundingBox();
		if (!box) continue;
		for (const control of await page.locator("main form :is(input, select, textarea, button)").all()) {
			const other = await control.boundingBox();
			if (other && overlaps(box, other)) covered.push((await control.getAttribute("name")) ?? (await control.innerText()));
		}
	}
	return covered;
}

describe("the shop on a phone", () => {
	journey(
		"shows a product in the first screen, with the filters folded behind a button",
		shop,
		async ({ page }) => {
			await page.locator(".card").first().waitFor();
			const header = (await page.locator(".site-header").boundingBox())!;
			expect(header.height).toBeLessThanOrEqual(100); // two short rows: links, then search and currency
			const name = (await page.locator(".card .card-name").first().boundingBox())!;
			expect(name.y + name.height).toBeLessThanOrEqual(PHONE.height);

			const toggle = page.getByRole("button", { name: "Filters" });
			expect(await toggle.getAttribute("aria-expanded")).toBe("false");
			expect(await page.getByLabel("Category").isVisible()).toBe(false);
			await toggle.click();
			expect(await toggle.getAttribute("aria-expanded")).toBe("true");
			await page.getByLabel("Category").waitFor();
			expect(await sidewaysOverflow(page)).toEqual([0]);
			await expectAccessible(page, "phone catalog, filters open");
		},
		PHONE,
	);

	journey(
		"fits order tables to the width: nothing scrolls sideways",
		shop,
		async ({ page }) => {
			await signUp(page);
			const order = await orderOf(page, "prod-0004");
			await page.goto("/#/orders");
			await page.locator(".table-wrap").waitFor();
			expect((await sidewaysOverflow(page)).filter(px => px > 0)).toEqual([]);
			await expectAccessible(page, "phone orders");
			await page.goto(`/#/orders/${order.id}`);
			await page.getByRole("heading", { level: 1, name: /Order #/ }).waitFor();
			await page.locator(".table-wrap").waitFor();
			expect((await sidewaysOverflow(page)).filter(px => px > 0)).toEqual([]);
			await expectAccessible(page, "phone order");
		},
		PHONE,
	);

	journey(
		"never covers a form with the \"Added to cart\" toast",
		shop,
		async ({ page }) => {
			await signUp(page);
			await page.goto("/#/product/prod-0005");
			await page.locator("form.buy").getByRole("button", { name: "Add to cart" }).click();
			await page.locator("#toasts .toast").waitFor();
			expect(await coveredControls(page)).toEqual([]);

			// Straight on to checkout, while the toast would still be showing.
			await page.goto("/#/checkout");
			await page.getByLabel("Street and number").waitFor();
			expect(await coveredControls(page)).toEqual([]);
			await page.getByLabel("Street and number").fill("1 Main Street");
			expect(await coveredControls(page)).toEqual([]);
		},
		PHONE,
	);
});
