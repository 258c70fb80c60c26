// The admin in Chromium: every admin page renders with no serious accessibility problem, and a
// product the admin creates is shown with its own picture wherever a shopper meets it.
import { expectAccessible, journey, newShopper, orderOf, signInAsAdmin, signUp, useShop } from "../support/browser";

const shop = useShop();

describe("the admin in the browser", () => {
	journey("sees every admin page with no accessibility violation (axe)", shop, async ({ page }) => {
		// Something in the orders and payments lists.
		const shopper = await newShopper(shop());
		await signUp(shopper.page);
		await orderOf(shopper.page, "prod-0007"); // the Dutch oven
		await shopper.context.close();

		await signInAsAdmin(page);
		await page.getByRole("link", { name: "Admin" }).click();
		await page.locator("table tbody tr").first().waitFor();
		await expectAccessible(page, "admin products");

		await page.getByRole("link", { name: "Orders" }).last().click();
		await page.locator("table", { hasText: "Enamelled Dutch Oven" }).or(page.locator("table tbody tr")).first().waitFor();
		await expectAccessible(page, "admin orders");

		await page.getByRole("link", { name: "Payments" }).click();
		await page.getByLabel("Order id").waitFor();
		await page.locator("table tbody tr").first().waitFor();
		await expectAccessible(page, "admin payments");

		await page.getByRole("link", { name: "Operations" }).click();
		await page.getByRole("heading", { name: "Endpoints" }).waitFor();
		await expectAccessible(page, "admin cluster");
		expect(await page.locator("main").innerText()).not.toMatch(/\bnull\b|\bundefined\b/);
	});

	journey("creates a product that shoppers see with its own picture, in the cart too", shop, async ({ page }) => {
		await signInAsAdmin(page);
		await page.goto("/#/admin/products?edit=new");
		await page.getByLabel("SKU").fill("OFF-GLOBE-1");
		await page.getByLabel("Category", { exact: true }).selectOption("office");
		await page.getByLabel("Price (USD)").fill("45.00");
		await page.getByLabel("Name", { exact: true }).fill("Desk Globe");
		await page.getByLabel("Description").fill("A small globe for a big desk.");
		await expectAccessible(page, "admin new product");
		await page.getByRole("button", { name: "Add product" }).click();
		await page.getByRole("heading", { name: "Edit Desk Globe" }).waitFor();
		const id = new URLSearchParams((await page.evaluate(() => (globalThis as any).location.hash)).split("?")[1]).get("edit")!;
		// Stock for it (a new product has none until the admin says so).
		await page.getByLabel("On hand").fill("5");
		await page.getByRole("button", { name: "Set stock" }).click();
		await page.getByText("available 5").waitFor();

		const shopper = await newShopper(shop());
		try {
			const { page: guest } = shopper;
			await guest.goto(`/#/product/${id}`);
			await guest.getByRole("heading", { level: 1, name: "Desk Globe" }).waitFor();
			const picture = await guest.locator(".product-image img").getAttribute("src");
			// Its own: the tile drawn for it (products.picture), not the placeholder.
			expect(picture).toBe(`/images/products/${id}.svg`);
			await guest.locator("form.buy").getByRole("button", { name: "Add to cart" }).click();
			await guest.locator("#cart-count", { hasText: "1" }).waitFor();
			await guest.goto("/#/cart");
			const image = guest.locator(".cart-line", { hasText: "Desk Globe" }).locator("img");
			await image.waitFor();
			expect(await image.getAttribute("src")).toBe(picture);
			await guest.waitForFunction(img => img.complete && img.naturalWidth > 0, await image.elementHandle());
			expect(shopper.errors).toEqual([]);
		} finally {
			await shopper.context.close();
		}
	});
});
