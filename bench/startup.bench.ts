// One node with every service: how long until /api/health/ready says 200, and how much memory it
// holds then. First on an empty DATA_DIR (the seed catalog stored), then on a DATA_DIR holding
// 100,000 products (aims: ready ≤ 5 s, ≤ 300 MB RSS). On that node, products created through
// the admin API, 16 at a time (aim: ≥ 500/s). `npm run bench:startup`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newProductDoc } from "../services/products/product";
import { generate } from "./catalog-data";
import { printTable, rssMb, runAsScript, startShop, throughput } from "./support";

const PORT = 3903;
const LARGE = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const CREATES = Number(process.env.BENCH_CREATES ?? 1_000);
const CREATORS = 16;
const ADMIN = { email: "bench-admin@bench.test", password: "bench-admin-password-1" };

interface Start {
	products: number;
	readyMs: number;
	rssMb: number | null;
}

export interface StartupFigures {
	fresh: Start;
	large: Start;
	/** Products created through POST /api/products on the large node. */
	adminCreates: { count: number; perSecond: number };
}

/** A DATA_DIR whose products store already holds `n` products, written as NeDB writes them (one JSON line each). */
function largeCatalog(n: number): string {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-startup-"));
	fs.mkdirSync(path.join(dataDir, "products"), { recursive: true });
	const file = fs.openSync(path.join(dataDir, "products", "products.db"), "w");
	const docs = generate(n, newProductDoc);
	for (let i = 0; i < docs.length; i += 5_000) fs.writeSync(file, docs.slice(i, i + 5_000).map(d => JSON.stringify(d)).join("\n") + "\n");
	fs.closeSync(file);
	return dataDir;
}

async function start(dataDir: string | undefined): Promise<{ start: Start; shop: Awaited<ReturnType<typeof startShop>> }> {
	const shop = await startShop({ port: PORT, dataDir, env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
	const rss = rssMb(shop.child.pid!);
	const page = (await (await fetch(`${shop.url}/api/products?pageSize=1`)).json()) as { total: number };
	return { start: { products: page.total, readyMs: shop.readyMs, rssMb: rss }, shop };
}

/** `CREATES` new products through the admin API, `CREATORS` at a time; per second. */
async function adminCreates(url: string): Promise<number> {
	const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(ADMIN) });
	if (login.status !== 200) throw new Error(`Admin login answered ${login.status}`);
	const headers = { "Content-Type": "application/json", Authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
	const create = (i: number) =>
		fetch(`${url}/api/products`, {
			method: "POST",
			headers,
			body: JSON.stringify({ sku: `NEW-${i}`, name: `Bench lantern ${i}`, description: "A lantern made by the benchmark.", category: "bench", price: 1_000 + i }),
		}).then(async res => {
			if (res.status !== 201) throw new Error(`POST /api/products answered ${res.status}: ${await res.text()}`);
		});
	await throughput(50, CREATORS, i => create(CREATES + i)); // warm-up
	return throughput(CREATES, CREATORS, create);
}

export async function run(): Promise<StartupFigures> {
	const first = await start(undefined);
	await first.shop.stop();
	fs.rmSync(first.shop.dataDir, { recursive: true, force: true });

	const dataDir = largeCatalog(LARGE);
	try {
		const second = await start(dataDir);
		try {
			const perSecond = await adminCreates(second.shop.url);
			return { fresh: first.start, large: second.start, adminCreates: { count: CREATES, perSecond } };
		} finally {
			await second.shop.stop();
		}
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

function print(f: StartupFigures): void {
	printTable([
		{ run: "fresh data (seed catalog)", products: f.fresh.products, "ready ms": Math.round(f.fresh.readyMs), "RSS MB": f.fresh.rssMb },
		{ run: `${LARGE.toLocaleString("en")} products stored`, products: f.large.products, "ready ms": Math.round(f.large.readyMs), "RSS MB": f.large.rssMb },
	]);
	console.log(`products created through the admin API (${f.adminCreates.count}, ${CREATORS} at a time): ${f.adminCreates.perSecond.toFixed(0)} /s`);
}

if (require.main === module) runAsScript(run, print);
