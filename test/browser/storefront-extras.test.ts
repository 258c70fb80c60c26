// The storefront's extras in Chromium (issue 14): "Featured" is the shop's picks, not the
// alphabet; the search box suggests products as the shopper types (an accessible combobox, on a
// phone too); the Messages link counts what the shopper has not seen; and the admin picks a
// category from a list and sees what runs low. axe-core on every page shown.
import type { Page } from "playwright-core";
import { apiFromPage, expectAccessible, journey, orderOf, signInAsAdmin, signUp, useShop } from "../support/browser";
import { waitFor } from "../support/poll";

const shop = useShop();

const cardNames = (page: Page) => page.locator(".card .card-name").allInnerTexts();

describe("Featured", () => {
	journey("opens the catalog on the shop's picks, and Name A–Z is another order", shop, async ({ page }) => {
		await page.locator(".card").first().waitFor();
		expect(await page.getByLabel("Sort by").inputValue()).toBe("featured");
		expect((await cardNames(page)).slice(0, 3)).toEqual(["Enamelled Dutch Oven 5 qt", "Noise-Cancelling Headphones", "Two-Person Backpacking Tent"]);
		await expectAccessible(page, "catalog, featured");

		await page.getByLabel("Sort by").selectOption({ label: "Name: A to Z" });
		await page.locator(".card .card-name").first().filter({ hasText: "A Pocket Atlas of the Night Sky" }).waitFor();
		expect(await page.evaluate(() => (globalThis as any).location.hash)).toContain("sort=name");
		await page.getByLabel("Sort by").selectOption({ label: "Featured" });
		await page.locator(".card .card-name").first().filter({ hasText: "Enamelled Dutch Oven" }).waitFor();
		expect(await page.evaluate(() => (globalThis as any).location.hash)).not.toContain("sort=");
	});
});

describe("suggestions while typing", () => {
	journey("suggests products for a misspelt word; arrows and Enter open one, Escape closes", shop, async ({ page }) => {
		const asked: string[] = [];
		page.on("request", req => void (req.url().includes("/api/products/suggest") && asked.push(req.url())));
		const box = page.getByRole("combobox", { name: "Search products" });
		expect(await box.getAttribute("aria-expanded")).toBe("false");
		// Typed as fast as a person types: one request for the pause, not one per key.
		await box.pressSequentially("kettel", { delay: 30 });
		const option = page.getByRole("option", { name: "Gooseneck Electric Kettle" });
		await option.waitFor();
		expect(asked.length).toBeLessThanOrEqual(2);
		expect(await box.getAttribute("aria-expanded")).toBe("true");
		await expectAccessible(page, "search suggestions open");

		await box.press("Escape");
		await option.waitFor({ state: "hidden" });
		expect(await box.getAttribute("aria-expanded")).toBe("false");
		expect(await box.inputValue()).toBe("kettel"); // Escape closed the list, not the search

		await box.pressSequentially("e", { delay: 30 }); // "kettele": still the kettle
		await option.waitFor();
		await box.press("ArrowDown");
		expect(await option.getAttribute("aria-selected")).toBe("true");
		expect(await box.getAttribute("aria-activedescendant")).toBe(await option.getAttribute("id"));
		await box.press("Enter");
		await page.getByRole("heading", { level: 1, name: "Gooseneck Electric Kettle" }).waitFor();
		expect(await box.getAttribute("aria-expanded")).toBe("false");
		await expectAccessible(page, "product page after a suggestion");
	});

	journey("an answer overtaken by newer typing is never shown", shop, async ({ page }) => {
		// The first answer comes late; by then the shopper has typed on, and that answer is cancelled.
		let first = true;
		await page.route("**/api/products/suggest?*", async route => {
			if (first) {
				first = false;
				await new Promise(r => setTimeout(r, 800));
			}
			await route.continue().catch(() => undefined); // the page may have cancelled it
		});
		const box = page.getByRole("combobox", { name: "Search products" });
		await box.fill("desk");
		await page.waitForTimeout(300); // a pause: the "desk" request goes (and hangs)
		await box.fill("notebook");
		await page.getByRole("option", { name: "Dot-Grid Notebook A5" }).waitFor();
		await page.waitForTimeout(900); // past the late answer
		expect(await page.getByRole("listbox", { name: "Suggested products" }).getByRole("option").allInnerTexts()).toEqual(["Dot-Grid Notebook A5"]);
	});

	journey(
		"on a phone, the suggestions fit the screen and a tap opens the product",
		shop,
		async ({ page }) => {
			const box = page.getByRole("combobox", { name: "Search products" });
			await box.pressSequentially("lamp", { delay: 30 });
			const list = page.getByRole("listbox", { name: "Suggested products" });
			await list.getByRole("option").first().waitFor();
			const shown = (await list.boundingBox())!;
			expect(shown.x).toBeGreaterThanOrEqual(0);
			expect(shown.x + shown.width).toBeLessThanOrEqual(390);
			expect(await list.getByRole("option").count()).toBeGreaterThanOrEqual(2);
			await expectAccessible(page, "phone, suggestions open");
			await list.getByRole("option", { name: "LED Desk Lamp" }).click(); // the page has no touch here; a click is what a tap becomes
			await page.getByRole("heading", { level: 1, name: "LED Desk Lamp" }).waitFor();
		},
		{ width: 390, height: 844 },
	);
});

describe("unread messages", () => {
	journey("the Messages link counts a new message, and opening Messages clears it for good", shop, async ({ page }) => {
		await signUp(page);
		const messages = page.getByRole("link", { name: /^Messages/ });
		await messages.waitFor();
		expect(await messages.innerText()).toBe("Messages");

		await orderOf(page, "prod-0019"); // a confirmation message follows the order
		await waitFor(() => apiFromPage(page, "GET", "/api/notifications/unread"), r => r.unread === 1, { what: "the confirmation message" });
		await page.goto("/#/cart"); // any page the shopper moves to asks again
		await page.getByRole("link", { name: "Messages 1 unread" }).waitFor();
		await expectAccessible(page, "header with an unread count");

		await messages.click();
		await page.locator(".message .badge", { hasText: "New" }).waitFor();
		await page.getByRole("link", { name: "Messages", exact: true }).waitFor();
		await expectAccessible(page, "messages with a new one");
		await page.reload();
		await page.locator(".message").first().waitFor();
		expect(await page.locator(".message .badge", { hasText: "New" }).count()).toBe(0);
		await page.goto("/#/");
		await page.locator(".card").first().waitFor();
		expect(await messages.innerText()).toBe("Messages");
		expect((await apiFromPage(page, "GET", "/api/notifications/unread")).unread).toBe(0);
	});
});

describe("admin extras", () => {
	journey("picks a category from the catalog's, or names a new one", shop, async ({ page }) => {
		await signInAsAdmin(page);
		await page.goto("/#/admin/products?edit=new");
		const category = page.getByLabel("Category", { exact: true });
		await category.waitFor();
		const choices = await category.locator("option").allInnerTexts();
		expect(choices).toEqual(expect.arrayContaining(["Kitchen", "Outdoor", "Audio", "New category…"]));
		expect(await page.getByLabel("New category").isVisible()).toBe(false);
		await category.selectOption({ label: "New category…" });
		await page.getByLabel("New category").fill("Garden Tools");
		await page.getByLabel("SKU").fill("GAR-TROWEL-1");
		await page.getByLabel("Price (USD)").fill("19.00");
		await page.getByLabel("Name", { exact: true }).fill("Hand Trowel");
		await page.getByLabel("Description").fill("A stainless trowel with an ash handle.");
		await page.getByLabel("Place under Featured").fill("2");
		await expectAccessible(page, "admin editor, new category");
		await page.getByRole("button", { name: "Add product" }).click();
		await page.getByRole("heading", { name: "Edit Hand Trowel" }).waitFor();
		expect(await category.inputValue()).toBe("garden-tools");
		const listed = await apiFromPage(page, "GET", "/api/products?sort=featured&pageSize=3");
		expect(listed.rows.map((p: { name: string }) => p.name)).toEqual(["Enamelled Dutch Oven 5 qt", "Hand Trowel", "Noise-Cancelling Headphones"]);
	});

	journey("sees what runs low, the fewest first, and restocks from there", shop, async ({ page }) => {
		await signInAsAdmin(page);
		await page.goto("/#/admin/products");
		await page.getByRole("link", { name: "Low stock" }).click();
		const rows = page.locator("table tbody tr");
		await rows.first().waitFor();
		expect(await rows.first().innerText()).toMatch(/Sold out/);
		const available = await page.locator("table tbody tr td:nth-child(3)").allInnerTexts();
		const numbers = available.map(t => (t === "Sold out" ? 0 : Number(t)));
		expect(numbers.every(n => n <= 5)).toBe(true);
		expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
		// The whole count (X-Total-Count), not just this page's rows.
		const count = await page.getByText(/\d+ products? with 5 or fewer to sell/).innerText();
		expect(Number(count.match(/\d+/)?.[0])).toBeGreaterThanOrEqual(numbers.length);
		await expectAccessible(page, "admin low stock");

		const first = await rows.first().locator("td").first().innerText();
		await rows.first().getByRole("link", { name: `Restock ${first}` }).click();
		await page.getByLabel("On hand").fill("40");
		await page.getByRole("button", { name: "Set stock" }).click();
		await page.getByText("available 40").waitFor();
		await page.getByLabel("Available at most").fill("0");
		await page.getByRole("button", { name: "Show" }).click();
		await page.locator("table caption", { hasText: "0 or fewer" }).waitFor({ state: "attached" });
		expect(await page.locator("table tbody").innerText()).not.toContain(first);
	});
});
