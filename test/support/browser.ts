// The storefront in a real browser: the whole shop in the test's process, the system's Chromium driven
// by playwright-core, axe-core for accessibility, and a screenshot kept for every failure.
// The tests never download a browser: they use the one installed here, or say how to get one.
import fs from "node:fs";
import path from "node:path";
import type { BrokerOptions, ServiceBroker } from "moleculer";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { gatewayUrl, startBroker } from "./broker";
import { CHEAP_PASSWORD_COST, everyService } from "./shop";

/** Where failure screenshots go (gitignored). */
export const ARTIFACTS = path.join(__dirname, "..", "browser", "artifacts");

export const ADMIN = { email: "admin@shop.test", password: "admin-password-123" };

/** The usual places of an installed Chromium or Chrome, after CHROMIUM_PATH. */
const CANDIDATES = [
	"/usr/bin/chromium",
	"/usr/bin/chromium-browser",
	"/snap/bin/chromium",
	"/usr/bin/google-chrome",
	"/usr/bin/google-chrome-stable",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
];

/** The browser to drive; throws how to install one when there is none (never downloads one). */
export function findChromium(): string {
	// A test-only knob: the shop itself never reads it, so it is not part of lib/config.ts.
	const chosen = process.env.CHROMIUM_PATH;
	if (chosen) {
		if (fs.existsSync(chosen)) return chosen;
		throw new Error(`CHROMIUM_PATH is ${chosen}, but there is no file there.`);
	}
	const found = CANDIDATES.find(file => fs.existsSync(file));
	if (found) return found;
	throw new Error(
		"The browser tests need Chromium or Chrome, and none was found. Install one " +
			"(Debian/Ubuntu: `sudo apt-get install chromium`; macOS: `brew install --cask chromium`) " +
			"or point CHROMIUM_PATH at its executable. The tests never download a browser.",
	);
}

// Quiet, offline and reproducible: no GPU, no QUIC, no first-run page, no background requests.
// Playwright adds --headless and --no-sandbox itself, and gives every launch a fresh,
// throw-away --user-data-dir (it refuses one passed here).
const FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const launchOptions = () => ({ executablePath: findChromium(), headless: true, chromiumSandbox: false, args: FLAGS, timeout: 30_000 });

export interface Shop {
	/** The gateway's address: pages and /api. */
	base: string;
	browser: Browser;
	/** The shop's broker, for a test that moves what the shopper cannot (a parcel leaving, say). */
	broker: ServiceBroker;
}

/**
 * The whole shop (with an admin account) and a Chromium for this test file, started before its
 * first test and stopped after its last. One per file: files run in parallel, each on its own.
 * `broker` adds broker options (the ops page's test turns Moleculer's metrics on); `services` gives
 * services settings or methods of the test's own, as everyService takes them (shipping on a clock).
 */
export function useShop(opts: { broker?: BrokerOptions; services?: Parameters<typeof everyService>[0] } = {}): () => Shop {
	let shop: (Shop & { stop(): Promise<void> }) | null = null;
	beforeAll(async () => {
		const [broker, browser] = await Promise.all([
			startBroker(
				everyService({
					users: { settings: { passwordCost: CHEAP_PASSWORD_COST, adminEmail: ADMIN.email, adminPassword: ADMIN.password } },
					// The pages are under test here, not the fallbacks (tested on their own): on a
					// machine busy with other test files, 500 ms for currency would sometimes pass
					// and the prices come in dollars, rightly, but not what a journey expects.
					products: { settings: { optionalCallTimeoutMs: 5_000 } },
					...opts.services,
				}),
				opts.broker,
			),
			chromium.launch(launchOptions()),
		]);
		shop = { base: gatewayUrl(broker), browser, broker, stop: async () => void (await Promise.allSettled([browser.close(), broker.stop()])) };
	}, 60_000);
	afterAll(() => shop?.stop());
	return () => {
		if (!shop) throw new Error("The shop is not running: call useShop() at the top of the test file.");
		return shop;
	};
}

export interface Visit {
	page: Page;
	context: BrowserContext;
	/** Problems the page reported: uncaught exceptions and console errors. */
	errors: string[];
}

/** A fresh shopper: their own cookies and storage, a page at the shop's front door. */
export async function newShopper(shop: Shop, viewport = { width: 1280, height: 900 }): Promise<Visit> {
	const context = await shop.browser.newContext({ baseURL: shop.base, viewport, locale: "en-US", timezoneId: "UTC", reducedMotion: "reduce" });
	context.setDefaultTimeout(15_000); // generous: this machine is shared, and a wait ends as soon as its condition holds
	const page = await context.newPage();
	const errors: string[] = [];
	page.on("pageerror", err => errors.push(`pageerror: ${err.message}`));
	page.on("console", message => {
		// A failed request the page handles (a 402, a 409) is logged by Chromium too; those are
		// answers, not bugs. Script errors are bugs.
		if (message.type() === "error" && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
	});
	page.on("dialog", dialog => void dialog.accept());
	await page.goto("/");
	return { page, context, errors };
}

/**
 * A test that drives the browser: on failure the page is photographed into ARTIFACTS under the
 * test's name before the error goes on to jest.
 */
export function journey(name: string, shop: () => Shop, run: (visit: Visit) => Promise<void>, viewport?: { width: number; height: number }, timeout = 60_000): void {
	it(
		name,
		async () => {
			const visit = await newShopper(shop(), viewport);
			try {
				await run(visit);
				expect(visit.errors).toEqual([]);
				forgetScreenshots(name); // a picture of an earlier failure would only mislead
			} catch (err) {
				await screenshot(visit.page, name);
				throw err;
			} finally {
				await visit.context.close();
			}
		},
		timeout,
	);
}

function screenshotFiles(name: string): { screen: string; full: string } {
	const base = path.join(ARTIFACTS, name.replace(/[^\w-]+/g, "-").slice(0, 100));
	return { screen: `${base}.png`, full: `${base}.full.png` };
}

/** The screen as the shopper saw it, and the whole page below it, under ARTIFACTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	const files = screenshotFiles(name);
	try {
		await page.screenshot({ path: files.screen, timeout: 5000 });
		await page.screenshot({ path: files.full, fullPage: true, timeout: 5000 });
	} catch {
		// The page may be gone (a crash): the error itself still reaches jest.
	}
}

function forgetScreenshots(name: string): void {
	for (const file of Object.values(screenshotFiles(name))) fs.rmSync(file, { force: true });
}

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeProblem {
	id: string;
	impact: string;
	help: string;
	targets: string[];
}

/**
 * axe-core's violations on the page as it is now, of any impact. The bar asked for is "no serious
 * or critical one"; every page meets a stricter one, none at all, which is what catches the
 * moderate and minor kinds (a second unnamed search landmark, a blank table heading). axe is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
	if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
	const violations: any[] = await page.evaluate(async () => {
		const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ["violations"] });
		return result.violations;
	});
	return violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n: any) => String(n.target)) }));
}

/**
 * Fails with the violations listed when the page has any. Checked once the page has drawn its
 * heading: a page just navigated to starts as an empty view (the router fills it), and axe run in
 * that moment reports the missing heading of a page that is not there yet.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
	await page.locator("h1").first().waitFor();
	const problems = await axeProblems(page);
	expect({ where, problems }).toEqual({ where, problems: [] });
}

/**
 * Ask the shop's API from inside the page (same origin, the page's own session): for the steps a
 * journey needs done but is not about. Rejects with the API's message on a failed answer.
 */
export function apiFromPage<T = any>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
	return page.evaluate(
		async ({ method, url, body }) => {
			const storage = (globalThis as any).localStorage;
			const headers: Record<string, string> = { "Content-Type": "application/json" };
			const token = storage.getItem("shop.token");
			if (token) headers.Authorization = `Bearer ${token}`;
			const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
			const data: any = await res.json().catch(() => null);
			if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${data?.message}`);
			return data;
		},
		{ method, url, body },
	) as Promise<T>;
}

let shoppers = 0;

/** A new account, signed in in this page the way the storefront keeps a session, page reloaded. */
export async function signUp(page: Page, name = "Ada Shopper"): Promise<{ email: string; password: string }> {
	const email = `shopper-${process.pid}-${++shoppers}-${Date.now()}@shop.test`;
	const password = "correct-horse-battery";
	const session = await apiFromPage(page, "POST", "/api/auth/register", { email, password, name });
	await page.evaluate(s => {
		const storage = (globalThis as any).localStorage;
		storage.setItem("shop.token", s.token);
		storage.setItem("shop.user", JSON.stringify(s.user));
	}, session);
	await page.reload();
	return { email, password };
}

export const ADDRESS = { name: "Ada Shopper", street: "1 Main Street", city: "Springfield", postalCode: "12345", country: "US" };
export const GOOD_CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: "123" };

/** A confirmed order of `productId` for the signed-in shopper, placed through the API. */
export async function orderOf(page: Page, productId: string, quantity = 1): Promise<any> {
	await apiFromPage(page, "POST", "/api/cart/items", { productId, quantity });
	return apiFromPage(page, "POST", "/api/checkout", { shippingAddress: ADDRESS, payment: GOOD_CARD });
}

/** Whether two boxes on the screen overlap. */
export function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Signs the shop's admin in on this page and waits for the Admin link. */
export async function signInAsAdmin(page: Page): Promise<void> {
	await page.goto("/#/login");
	await page.getByLabel("Email").fill(ADMIN.email);
	await page.getByLabel("Password").fill(ADMIN.password);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.getByRole("link", { name: "Admin" }).waitFor();
}
