// What a shopper reads when the shop says no: a refused card, a card past its expiry, a field
// left blank, more than there is in stock. Each message is written for people (no codes, no
// validator wording), sits at the field it is about, and says what to do.
import type { Page } from "playwright-core";
import { apiFromPage, expectAccessible, journey, signUp, useShop } from "../support/browser";

const shop = useShop();

/** Words meant for programs, not people. */
const RAW = /card_declined|insufficient_funds|expired_card|Card declined:|Not enough stock|field length|'[\w.]+' field|Parameters validation|\b(shippingAddress|payment)\.\w+/;

/** A signed-up shopper with `productId` in the cart, on the checkout page with an address typed. */
async function atCheckout(page: Page, productId: string): Promise<void> {
	await signUp(page);
	await apiFromPage(page, "POST", "/api/cart/items", { productId, quantity: 1 });
	await page.goto("/#/checkout");
	await page.getByLabel("Street and number").fill("1 Main Street");
	await page.getByLabel("Postal code").fill("12345");
	await page.getByLabel("City").fill("Springfield");
	await page.getByLabel("Security code").fill("123");
}

/** The message shown under the field labelled `label`, once there is one. */
async function messageAt(page: Page, label: string): Promise<string> {
	const field = page.locator(".field", { has: page.getByLabel(label, { exact: true }) });
	const message = field.locator(".field-error");
	await message.waitFor();
	expect(await page.getByLabel(label, { exact: true }).getAttribute("aria-invalid")).toBe("true");
	return message.innerText();
}

describe("messages a shopper reads", () => {
	journey("a declined card: the card number field says so in words, and that nothing was charged", shop, async ({ page }) => {
		await atCheckout(page, "prod-0002");
		await page.getByLabel("Card number").fill("4000 0000 0000 0002");
		await page.getByRole("button", { name: "Place order" }).click();
		const message = await messageAt(page, "Card number");
		expect(message).toMatch(/declined/i);
		expect(message).toMatch(/nothing was charged/i);
		expect(message).toMatch(/another card/i);
		expect(await page.locator("main").innerText()).not.toMatch(RAW);
		await expectAccessible(page, "declined card");
	});

	journey("insufficient funds: said as a shopper would, not as a code", shop, async ({ page }) => {
		await atCheckout(page, "prod-0002");
		await page.getByLabel("Card number").fill("4000 0000 0000 9995");
		await page.getByRole("button", { name: "Place order" }).click();
		const message = await messageAt(page, "Card number");
		expect(message).toMatch(/funds/i);
		expect(message).toMatch(/another card/i);
		expect(await page.locator("main").innerText()).not.toMatch(RAW);
	});

	journey("an expiry month already past is refused at the expiry field, before anything is sent", shop, async ({ page }) => {
		// Mid-June of this year in the page: March is past, whatever today is on this machine.
		const year = new Date().getFullYear();
		await page.clock.setFixedTime(new Date(Date.UTC(year, 5, 15, 12)));
		await atCheckout(page, "prod-0002");
		await page.getByLabel("Card number").fill("4242 4242 4242 4242");
		await page.getByLabel("Expiry month").selectOption("3");
		await page.getByLabel("Expiry year").fill(String(year));
		const checkouts: string[] = [];
		page.on("request", request => request.url().includes("/api/checkout") && checkouts.push(request.url()));
		await page.getByRole("button", { name: "Place order" }).click();
		const message = await messageAt(page, "Expiry month");
		expect(message).toMatch(/expired/i);
		expect(message).toContain(`03/${year}`);
		expect(checkouts).toEqual([]);
		expect(await page.getByLabel("Card number").getAttribute("aria-invalid")).toBeNull();
		await expectAccessible(page, "expired card");
	});

	journey("a blank street: the street field asks to be filled in, in words", shop, async ({ page }) => {
		await atCheckout(page, "prod-0002");
		await page.getByLabel("Street and number").fill("   "); // passes the browser's `required`, not the shop
		await page.getByLabel("Card number").fill("4242 4242 4242 4242");
		await page.getByRole("button", { name: "Place order" }).click();
		const message = await messageAt(page, "Street and number");
		expect(message).toMatch(/Street and number/);
		expect(message).toMatch(/fill in/i);
		expect(await page.locator("main").innerText()).not.toMatch(RAW);
		await expectAccessible(page, "blank street");
	});

	journey("adding more than there is: says how many are left", shop, async ({ page }) => {
		// The Squeeze Water Filter has 1 in stock: the second "Add to cart" asks for 2.
		await page.goto("/#/?q=squeeze");
		const card = page.locator(".card", { hasText: "Squeeze Water Filter" });
		await card.locator("button").click();
		await page.locator("#cart-count", { hasText: "1" }).waitFor();
		await card.locator("button").click();
		const toast = page.locator(".toast-error");
		await toast.waitFor();
		const text = await toast.innerText();
		expect(text).toMatch(/only 1 left/i);
		expect(text).toContain("Squeeze Water Filter");
		expect(text).not.toMatch(RAW);
	});

	journey("a cart quantity above the stock: the range offered is the stock, not 99", shop, async ({ page }) => {
		// The Two-Person Backpacking Tent has 6 in stock.
		await page.goto("/#/product/prod-0009");
		await page.locator("form.buy").getByRole("button", { name: "Add to cart" }).click();
		await page.locator("#cart-count", { hasText: "1" }).waitFor();
		await page.goto("/#/cart");
		const quantity = page.getByLabel("Qty of Two-Person Backpacking Tent");
		await quantity.fill("7");
		await quantity.press("Tab");
		const toast = page.locator(".toast-error");
		await toast.waitFor();
		const text = await toast.innerText();
		expect(text).toContain("0 to 6");
		expect(text).toMatch(/only 6 left/i);
		expect(text).not.toMatch(RAW);
		expect(await quantity.inputValue()).toBe("1");
	});
});
