// The operator's page in Chromium (admin › Operations): a live row per service with numbers that move
// as the shop is used, a fault switched on from the page that the shop then shows (a product page
// without its recommendations), cleared from the page, and the last minutes drawn as a chart.
import type { Page } from "playwright-core";
import { expectAccessible, journey, newShopper, signInAsAdmin, type Visit, useShop } from "../support/browser";
import { waitFor } from "../support/poll";

// Moleculer's metrics are off in tests by default; this page is about them.
const shop = useShop({ broker: { metrics: { enabled: true } } });

const PRODUCT = "prod-0007";
const SERVICES = ["api", "cart", "currency", "inventory", "notifications", "ops", "orders", "payments", "products", "recommendations", "shipping", "users"];

/** The row of `service` in the live table, cell by column heading. */
async function rowOf(page: Page, service: string): Promise<Record<string, string>> {
	return page.locator(`table.ops-services tr[data-service="${service}"]`).evaluate(tr => {
		const heads = [...tr.closest("table")!.querySelectorAll("thead th")].map(th => th.textContent!.trim());
		return Object.fromEntries([...tr.children].map((cell, i) => [heads[i], cell.textContent!.trim()]));
	});
}

/** Waits until the page's own refresh shows `accept` in the row of `service` (Moleculer updates its rates every 5 s, the page asks every 5 s). */
function rowUntil(page: Page, service: string, accept: (row: Record<string, string>) => boolean, what: string): Promise<Record<string, string>> {
	return waitFor(() => rowOf(page, service), accept, { timeoutMs: 30_000, everyMs: 250, what: `${what} in the ${service} row` });
}

/** The product page, loaded afresh; resolves with the recommendations the gateway gave it. */
async function productPage(visit: Visit): Promise<unknown> {
	const recommendations = visit.page.waitForResponse(r => r.url().includes(`/api/products/${PRODUCT}/recommendations`));
	await visit.page.goto("about:blank");
	await visit.page.goto(`/#/product/${PRODUCT}`);
	await visit.page.getByRole("heading", { level: 1, name: "Enamelled Dutch Oven" }).waitFor();
	return (await recommendations).json();
}

const number = (text: string) => Number(text.replace(/,/g, ""));

describe("the operator's page", () => {
	journey(
		"shows each service live, switches a fault on and off from the page, and charts the last minutes",
		shop,
		async ({ page }) => {
			await signInAsAdmin(page);
			await page.goto("/#/admin/cluster");
			await page.locator("table.ops-services tbody tr").first().waitFor();

			// A row per service, with numbers in every numeric column.
			for (const service of SERVICES) {
				const row = await rowOf(page, service);
				expect(row.Service).toBe(service);
				for (const column of ["Nodes", "Requests/s", "Errors/s", "p95 ms"]) expect(number(row[column])).not.toBeNaN();
				expect(row.Breaker).toBe("closed");
				expect(row.Faults).toBe("none");
			}
			expect(number((await rowOf(page, "products")).Nodes)).toBe(1);

			// A shopper's visits, then the numbers move on the operator's screen by themselves.
			const shopper = await newShopper(shop());
			try {
				await productPage(shopper);
				await shopper.page.getByRole("heading", { name: "You may also like" }).waitFor();
				await rowUntil(page, "recommendations", r => number(r["Requests/s"]) > 0, "requests");

				// Recommendations switched off from the page: the form comes ready for the row's service.
				await page.getByRole("button", { name: "Add fault to recommendations" }).click();
				expect(await page.getByLabel("Service or action").inputValue()).toBe("recommendations");
				await page.getByLabel("Unavailable (every call fails with 503)").check();
				await page.getByRole("button", { name: "Add fault", exact: true }).click();
				const inForce = page.getByRole("list", { name: "Faults in force" }).getByRole("listitem").filter({ hasText: "recommendations" });
				await inForce.getByText("unavailable").waitFor();
				expect(await inForce.getByText("until removed").isVisible()).toBe(true);
				expect(await page.getByText("1 fault is in force.").isVisible()).toBe(true);
				expect((await rowOf(page, "recommendations")).Faults).toBe("unavailable");
				await expectAccessible(page, "ops page with a fault in force");

				// The shop degrades as promised: the product page without recommendations, nothing broken.
				// The rule reaches the node within 2 s; each visit is one more failed call counted.
				await waitFor(() => productPage(shopper), answer => Array.isArray(answer) && answer.length === 0, { timeoutMs: 5_000, everyMs: 0, what: "a product page without recommendations" });
				expect(await shopper.page.getByRole("heading", { name: "You may also like" }).count()).toBe(0);
				expect(await shopper.page.locator("form.buy").getByRole("button", { name: "Add to cart" }).isVisible()).toBe(true);
				// Its failures show on the operator's table.
				for (let i = 0; i < 5; i++) await shopper.page.evaluate(async id => (await fetch(`/api/products/${id}/recommendations`)).ok, PRODUCT);
				await rowUntil(page, "recommendations", r => number(r["Errors/s"]) > 0, "errors");

				// Cleared from the page: the rules go, the shop recovers.
				await page.getByRole("button", { name: "Clear all faults" }).click();
				await page.getByText("No fault in force").waitFor();
				expect((await rowOf(page, "recommendations")).Faults).toBe("none");
				await productPage(shopper);
				await shopper.page.getByRole("heading", { name: "You may also like" }).waitFor();
				expect(shopper.errors).toEqual([]);
			} finally {
				await shopper.context.close();
			}

			// The chart: the samples the ops service kept and the page's own, with a text alternative.
			const chart = page.getByRole("img", { name: /Requests and errors per second, all services/ });
			await chart.waitFor();
			const samples = await page.locator("figure.ops-chart").first().getAttribute("data-samples");
			expect(Number(samples)).toBeGreaterThanOrEqual(2);
			expect(await chart.locator("polyline").count()).toBe(2);
			expect(await chart.locator("desc").textContent()).toMatch(/^\d+ samples over the last 10 minutes\. requests per second: [\d.,]+ now, highest [\d.,]+ at /);
			await page.getByLabel("Chart of").selectOption("recommendations");
			await page.getByRole("img", { name: /Requests and errors per second, recommendations/ }).waitFor();
			await expectAccessible(page, "ops page");
			expect(await page.locator("main").innerText()).not.toMatch(/\bnull\b|\bundefined\b|NaN/);
		},
		undefined,
		120_000,
	);
});
