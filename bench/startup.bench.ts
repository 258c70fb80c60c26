// One node with every service: how long until /api/health/ready says 200, and how much memory it
// holds then. First on an empty DATA_DIR (the seed catalog stored), then on a DATA_DIR holding
// 100,000 products (aims: ready ≤ 5 s, ≤ 300 MB RSS). On that node, products created through
// the admin API, 16 at a time (aim: ≥ 500/s), with the node's CPU time per create: a figure that
// moves far less than the rate when other work shares the machine. `npm run bench:startup`.
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
	/** Products created through POST /api/products on the large node; the node's CPU ms per create (absent: no /proc). */
	adminCreates: { count: number; perSecond: number; cpuMsEach?: number };
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

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number): number | null {
	try {
		// Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks (100 a second).
		const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return null;
	}
}

/** `CREATES` new products through the admin API, `CREATORS` at a time: per second, and the node's CPU ms per create. */
async function adminCreates(url: string, pid: number): Promise<{ perSecond: number; cpuMsEach?: number }> {
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
	const cpuBefore = cpuMs(pid);
	const perSecond = await throughput(CREATES, CREATORS, create);
	const cpuAfter = cpuMs(pid);
	return cpuBefore === null || cpuAfter === null ? { perSecond } : { perSecond, cpuMsEach: (cpuAfter - cpuBefore) / CREATES };
}

export async function run(): Promise<StartupFigures> {
	const first = await start(undefined);
	await first.shop.stop();
	fs.rmSync(first.shop.dataDir, { recursive: true, force: true });

	const dataDir = largeCatalog(LARGE);
	try {
		const second = await start(dataDir);
		try {
			const creates = await adminCreates(second.shop.url, second.shop.child.pid!);
			return { fresh: first.start, large: second.start, adminCreates: { count: CREATES, ...creates } };
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
	const cpu = f.adminCreates.cpuMsEach === undefined ? "" : `, ${f.adminCreates.cpuMsEach.toFixed(2)} ms of the node's CPU each`;
	console.log(`products created through the admin API (${f.adminCreates.count}, ${CREATORS} at a time): ${f.adminCreates.perSecond.toFixed(0)} /s${cpu}`);
}

if (require.main === module) runAsScript(run, print);
