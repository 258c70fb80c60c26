// How fast are reads through the gateway, next to the fastest thing Node can do? A cached
// product read, and a signed-in shopper's cart, each against a bare node:http server sending
// the same bytes, measured in one run on this machine (aims: 0.5 and 0.3 of it). Beside them, the
// floor: moleculer-web answering the product's bytes from one action, on Moleculer's defaults and
// on the shop's broker options (gateway-floor.ts). `npm run bench:gateway`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { startFloor } from "./gateway-floor";
import { load, printTable, runAsScript, startShop, type LoadResult } from "./support";

const BARE_PORT = 3901;
const SHOP_PORT = 3902;
const FLOOR_SHOP_OPTIONS_PORT = 3903;
const FLOOR_DEFAULTS_PORT = 3904;
const PRODUCT_ID = "prod-0001";

// The baseline: node:http answering the same JSON, path by path, with nothing in between.
function bareServer(bodies: Record<string, string>): string {
	return `
const http = require("node:http");
const bodies = ${JSON.stringify(bodies)};
http.createServer((req, res) => { res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" }); res.end(bodies[req.url]); }).listen(${BARE_PORT}, "127.0.0.1");
`;
}

const ROUNDS = 5;
const ROUND_SECONDS = 4;

interface Pair {
	gateway: LoadResult;
	bare: LoadResult;
}

/** The floor's two servers, measured in the product's rounds. */
interface Floor {
	shopOptions: LoadResult;
	defaults: LoadResult;
}

/** CPU time (user + system) each server spent per request answered, in µs, the median of the rounds. */
interface CpuPerRequest {
	gateway: number;
	bare: number;
}

/** CPU time (user + system) a process has used, in µs, from /proc (Linux; clock ticks of 10 ms); null elsewhere. */
function cpuMicros(pid: number | undefined): number | null {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
		return (Number(fields[11]) + Number(fields[12])) * 10_000;
	} catch {
		return null;
	}
}

/**
 * A load run that also says how much CPU the server spent per request. On a machine shared with
 * other work the requests per second of both servers move with it; the CPU each spends on a
 * request moves far less, and says where the gateway stands when the ratio is too noisy to.
 */
async function measured(url: string, pid: number | undefined, cpu: number[], headers?: Record<string, string>): Promise<LoadResult> {
	const before = cpuMicros(pid);
	const result = await load(url, { seconds: ROUND_SECONDS, headers });
	const after = cpuMicros(pid);
	if (before !== null && after !== null && result.requestsPerSec > 0) cpu.push((after - before) / (result.requestsPerSec * ROUND_SECONDS));
	return result;
}

const median = (xs: number[]) => (xs.length ? Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]) : NaN);

export interface GatewayFigures {
	/** The round whose ratio is the median of the rounds'. */
	product: Pair;
	cart: Pair;
	/** Each round's ratio, gateway / bare. */
	rounds?: { product: number[]; cart: number[] };
	/** The floor, from the round whose product ratio is the median. */
	floor?: Floor;
	/** CPU per request of each server (Linux only). */
	cpu?: { product: CpuPerRequest; cart: CpuPerRequest };
}

const ratioOf = (p: Pair) => Math.round((p.gateway.requestsPerSec / p.bare.requestsPerSec) * 100) / 100;

function medianPair<P extends Pair>(pairs: P[]): P {
	return [...pairs].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(pairs.length / 2)];
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { ...init, headers: { "Content-Type": "application/json", ...init.headers } });
	return { status: res.status, text: await res.text() };
}

export async function run(): Promise<GatewayFigures> {
	const shop = await startShop({ port: SHOP_PORT });
	const productUrl = `${shop.url}/api/products/${PRODUCT_ID}`;
	const cartUrl = `${shop.url}/api/cart`;
	try {
		const product = await json(productUrl);
		// A shopper signed in, with something in the cart: what a cart page reads.
		const signUp = await json(`${shop.url}/api/auth/register`, { method: "POST", body: JSON.stringify({ email: `bench-${Date.now()}@bench.test`, password: "bench-password-1", name: "Bench" }) });
		if (signUp.status !== 201) throw new Error(`Sign-up answered ${signUp.status}: ${signUp.text}`);
		const auth = { Authorization: `Bearer ${(JSON.parse(signUp.text) as { token: string }).token}` };
		const added = await json(`${cartUrl}/items`, { method: "POST", headers: auth, body: JSON.stringify({ productId: PRODUCT_ID, quantity: 1 }) });
		if (added.status !== 200) throw new Error(`Adding to the cart answered ${added.status}: ${added.text}`);
		const cart = await json(cartUrl, { headers: auth });

		const server = spawn(process.execPath, ["-e", bareServer({ "/product": product.text, "/cart": cart.text })], { stdio: "inherit" });
		const floorShopOptions = startFloor("shop-options", FLOOR_SHOP_OPTIONS_PORT, product.text);
		const floorDefaults = startFloor("moleculer-defaults", FLOOR_DEFAULTS_PORT, product.text);
		try {
			await waitForServer(`http://127.0.0.1:${BARE_PORT}/product`);
			const floorUrls = { shopOptions: `http://127.0.0.1:${FLOOR_SHOP_OPTIONS_PORT}/answer`, defaults: `http://127.0.0.1:${FLOOR_DEFAULTS_PORT}/answer` };
			for (const url of Object.values(floorUrls)) await waitForServer(url);
			for (const url of Object.values(floorUrls)) if ((await json(url)).text !== product.text) throw new Error(`${url} does not answer the product's bytes`);
			const bareProduct = `http://127.0.0.1:${BARE_PORT}/product`;
			const bareCart = `http://127.0.0.1:${BARE_PORT}/cart`;
			// Warm the caches and the JIT, then measure each pair back to back, several times: on a
			// shared machine one pair can fall on a busy moment, the median of the ratios seldom does.
			await load(productUrl, { seconds: 2 });
			await load(bareProduct, { seconds: 2 });
			await load(cartUrl, { seconds: 2, headers: auth });
			for (const url of Object.values(floorUrls)) await load(url, { seconds: 2 });
			const productRounds: (Pair & { floor: Floor })[] = [];
			const cartRounds: Pair[] = [];
			const cpu = { product: { gateway: [] as number[], bare: [] as number[] }, cart: { gateway: [] as number[], bare: [] as number[] } };
			for (let i = 0; i < ROUNDS; i++) {
				productRounds.push({
					gateway: await measured(productUrl, shop.child.pid, cpu.product.gateway),
					bare: await measured(bareProduct, server.pid, cpu.product.bare),
					floor: { shopOptions: await load(floorUrls.shopOptions, { seconds: ROUND_SECONDS }), defaults: await load(floorUrls.defaults, { seconds: ROUND_SECONDS }) },
				});
				cartRounds.push({
					gateway: await measured(cartUrl, shop.child.pid, cpu.cart.gateway, auth),
					bare: await measured(bareCart, server.pid, cpu.cart.bare),
				});
			}
			const productFigures = medianPair(productRounds);
			const cartFigures = medianPair(cartRounds);
			const answered = [
				...productRounds.flatMap(p => [["product through the gateway", p.gateway] as const, ["floor (shop's options)", p.floor.shopOptions] as const, ["floor (defaults)", p.floor.defaults] as const]),
				...cartRounds.map(p => ["cart through the gateway", p.gateway] as const),
			];
			for (const [what, r] of answered) if (r.errors + r.non2xx > 0) throw new Error(`The ${what} read had ${r.errors} errors and ${r.non2xx} non-2xx answers`);
			const cpuFigures =
				cpu.product.gateway.length === ROUNDS
					? {
							product: { gateway: median(cpu.product.gateway), bare: median(cpu.product.bare) },
							cart: { gateway: median(cpu.cart.gateway), bare: median(cpu.cart.bare) },
						}
					: undefined;
			const { floor, ...productPair } = productFigures;
			return { product: productPair, cart: cartFigures, rounds: { product: productRounds.map(ratioOf), cart: cartRounds.map(ratioOf) }, floor, cpu: cpuFigures };
		} finally {
			for (const child of [server, floorShopOptions, floorDefaults]) child.kill();
		}
	} finally {
		await shop.stop();
	}
}

async function waitForServer(url: string): Promise<void> {
	for (let i = 0; i < 200; i++) {
		if (await fetch(url).then(r => r.ok, () => false)) return;
		await new Promise(r => setTimeout(r, 25));
	}
	throw new Error(`${url} did not answer`);
}

function print(f: GatewayFigures): void {
	const row = (target: string, r: LoadResult) => ({ target, "req/s": r.requestsPerSec, "p50 ms": r.p50, "p99 ms": r.p99, errors: r.errors + r.non2xx });
	printTable([
		row("bare node:http (product bytes)", f.product.bare),
		row("GET /api/products/:id", f.product.gateway),
		...(f.floor ? [row("floor: moleculer-web, one action, Moleculer's defaults", f.floor.defaults), row("floor: the same on the shop's broker options", f.floor.shopOptions)] : []),
		row("bare node:http (cart bytes)", f.cart.bare),
		row("GET /api/cart (signed in)", f.cart.gateway),
	]);
	if (f.rounds) console.log(`ratios of the ${f.rounds.product.length} rounds, product: ${f.rounds.product.join(" ")}; cart: ${f.rounds.cart.join(" ")}`);
	if (f.cpu) {
		const { product, cart } = f.cpu;
		console.log(`CPU per request (µs, median of the rounds), product: gateway ${product.gateway}, bare ${product.bare}; cart: gateway ${cart.gateway}, bare ${cart.bare}`);
	}
	console.log(`ratio gateway / bare, product: ${(f.product.gateway.requestsPerSec / f.product.bare.requestsPerSec).toFixed(2)} (aim: ≥ 0.50)`);
	console.log(`ratio gateway / bare, signed-in cart: ${(f.cart.gateway.requestsPerSec / f.cart.bare.requestsPerSec).toFixed(2)} (aim: ≥ 0.30)`);
	if (f.floor) {
		const bare = f.product.bare.requestsPerSec;
		console.log(
			`floor / bare, Moleculer's defaults: ${(f.floor.defaults.requestsPerSec / bare).toFixed(2)}; the shop's options: ${(f.floor.shopOptions.requestsPerSec / bare).toFixed(2)}; ` +
				`product through the gateway / floor on the shop's options: ${(f.product.gateway.requestsPerSec / f.floor.shopOptions.requestsPerSec).toFixed(2)}`,
		);
	}
}

if (require.main === module) runAsScript(run, print);
