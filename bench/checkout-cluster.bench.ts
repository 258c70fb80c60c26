// Checkout throughput the way the shop is deployed: each service on a node of its own, NATS
// between them. Real checkouts against a do-nothing chain of the same five calls on the same
// kind of topology, in one run. Needs NATS (NATS_URL, default nats://127.0.0.1:4222).
// A script, not a test: `npm run bench:checkout-cluster`. BENCH_CHAIN=0 (npm run bench) leaves
// the do-nothing chain out: only the real checkout is compared, with the one-node checkout.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceBroker } from "moleculer";
import brokerConfig from "../moleculer.config";
import { call } from "../lib/call";
import { SEED_PRODUCTS } from "../lib/seed-catalog/seed";
import { projectRoot } from "../lib/paths";
import type { AuthUser } from "../lib/meta";
import { percentile, runAsScript } from "./support";

const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 600);
/** Issue 13's shoppers: 16 at a time, as in the one-node checkout it is compared with. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CHAIN = process.env.BENCH_CHAIN !== "0";
/** BENCH_CPU_PROF=<dir>: every node writes a CPU profile there when it stops (node --cpu-prof). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const NAMESPACE = `bench-${crypto.randomBytes(3).toString("hex")}`;
const JWT_SECRET = crypto.randomBytes(32).toString("base64url");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-cluster-"));
const children: ChildProcess[] = [];
const nodeNames = new Map<ChildProcess, string>();

const BODY = {
	shippingAddress: { name: "Bench Buyer", street: "1 Load St", city: "Springfield", postalCode: "12345", country: "US" },
	payment: { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
};

function startNode(name: string, args: string[], env: Record<string, string>): void {
	const profiling = CPU_PROF_DIR ? ["--cpu-prof", "--cpu-prof-dir", CPU_PROF_DIR, "--cpu-prof-name", `${name}.cpuprofile`] : [];
	const child = spawn(process.execPath, [...profiling, ...args], {
		cwd: projectRoot,
		env: { ...process.env, TRANSPORTER: NATS_URL, NAMESPACE, NODE_ID: `${NAMESPACE}-${name}`, JWT_SECRET, DATA_DIR: path.join(dataDir, name), METRICS_PORT: "0", LOG_LEVEL: "warn", ...env },
		stdio: ["ignore", "inherit", "inherit"],
	});
	children.push(child);
	nodeNames.set(child, name);
}

/** CPU seconds (user + system) each shop node and this driver have used so far, from /proc (Linux). */
function cpuSeconds(): Map<string, number> {
	const tick = 100; // USER_HZ: clock ticks per second on Linux
	const used = new Map<string, number>();
	for (const child of children) {
		try {
			// Fields after the command name in parentheses: utime and stime are the 12th and 13th.
			const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
			used.set(nodeNames.get(child) ?? String(child.pid), (Number(fields[11]) + Number(fields[12])) / tick);
		} catch {
			// Not Linux, or the node is gone: its share goes unreported.
		}
	}
	const self = process.cpuUsage();
	used.set("driver", (self.user + self.system) / 1e6);
	return used;
}

/** Milliseconds of CPU per checkout, per node, between two readings. */
function cpuPerCheckout(before: Map<string, number>, after: Map<string, number>, n: number): Record<string, number> {
	const per: Record<string, number> = {};
	for (const [name, s] of after) per[name] = ((s - (before.get(name) ?? 0)) * 1000) / n;
	return per;
}

const shopNode = (name: string, services: string) =>
	startNode(name, ["node_modules/moleculer/bin/moleculer-runner.js", "--config", "dist/moleculer.config.js"], { SERVICEDIR: "dist/services", SERVICES: services });
const noopNode = (name: string) => startNode(`noop-${name}`, ["dist/bench/noop-node.js"], { NOOP: name });

async function throughput(n: number, one: (i: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < n) await one(next++); }));
	return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

export interface ClusterFigures {
	checkouts: number;
	concurrency: number;
	perSecond: number;
	p50: number;
	p99: number;
	/** The do-nothing chain on the same topology; null with BENCH_CHAIN=0. */
	chainPerSecond: number | null;
	/** CPU milliseconds each node (and the driver) spent per checkout during the timed run: less moved than the rate by other work on the machine, though not unmoved (shared caches, frequency). */
	cpuMsPerCheckout?: Record<string, number>;
}

export async function run(): Promise<ClusterFigures> {
	try {
		return await measure();
	} finally {
		await Promise.all(children.map(child => new Promise(resolve => (child.exitCode !== null ? resolve(null) : (child.once("exit", resolve), child.kill("SIGTERM"))))));
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

async function measure(): Promise<ClusterFigures> {
	for (const [name, services] of [["orders", "orders"], ["inventory", "inventory"], ["payments", "payments"], ["shipping", "shipping"], ["notifications", "notifications"], ["catalog", "cart,products,currency"]]) shopNode(name, services);
	if (CHAIN) for (const name of ["orders", "inventory", "payments", "shipping", "notifications"]) noopNode(name);

	const broker = new ServiceBroker({ ...brokerConfig, namespace: NAMESPACE, nodeID: `${NAMESPACE}-driver`, transporter: NATS_URL as never, logger: false, metrics: { enabled: false } });
	await broker.start();
	try {
		const noops = CHAIN ? ["noop-orders", "noop-inventory", "noop-payments", "noop-shipping", "noop-notifications"] : [];
		await broker.waitForServices(["orders", "inventory", "payments", "shipping", "notifications", "cart", "products", ...noops], 60_000);

		const admin: AuthUser = { id: "bench-admin", email: "admin@bench.test", role: "admin" };
		const product = SEED_PRODUCTS[0];
		await call(broker, "inventory.set", { productId: product.id, onHand: CHECKOUTS * 2 + 500 }, { meta: { user: admin } });
		const buyer = (i: number): AuthUser => ({ id: `bench-${i}`, email: `bench-${i}@bench.test`, role: "customer" });
		const fill = (from: number, n: number) => throughput(n, i => call(broker, "cart.addItem", { productId: product.id, quantity: 1 }, { meta: { user: buyer(from + i) } }));
		const checkout = (from: number) => (i: number) => call(broker, "orders.checkout", BODY, { meta: { user: buyer(from + i) }, timeout: 30_000 });
		const noop = () => broker.call("noop-orders.checkout", BODY);

		await fill(0, 100); // warm-up
		await throughput(100, checkout(0));
		if (CHAIN) await throughput(1_000, noop);

		await fill(100, CHECKOUTS);
		const latencies: number[] = [];
		const cpuBefore = cpuSeconds();
		const perSecond = await throughput(CHECKOUTS, i => {
			const started = performance.now();
			return checkout(100)(i).finally(() => latencies.push(performance.now() - started));
		});
		const cpuMsPerCheckout = cpuPerCheckout(cpuBefore, cpuSeconds(), CHECKOUTS);
		latencies.sort((a, b) => a - b);
		const chainPerSecond = CHAIN ? await throughput(CHECKOUTS * 3, noop) : null;
		return { checkouts: CHECKOUTS, concurrency: CONCURRENCY, perSecond, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), chainPerSecond, cpuMsPerCheckout };
	} finally {
		await broker.stop();
	}
}

function print(f: ClusterFigures): void {
	console.log(`nodes: 6 shop nodes${f.chainPerSecond === null ? "" : " and 5 do-nothing nodes"} on NATS; ${f.checkouts} checkouts, concurrency ${f.concurrency}`);
	console.log(`real checkout:     ${f.perSecond.toFixed(0).padStart(6)} /s  (${(1000 / f.perSecond).toFixed(2)} ms each, amortised; p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms)`);
	const cpu = Object.entries(f.cpuMsPerCheckout ?? {});
	const total = cpu.filter(([name]) => name !== "driver").reduce((sum, [, ms]) => sum + ms, 0);
	console.log(`CPU per checkout:  ${total.toFixed(2)} ms on the shop nodes (${cpu.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(", ")})`);
	if (f.chainPerSecond === null) return;
	console.log(`do-nothing chain:  ${f.chainPerSecond.toFixed(0).padStart(6)} /s  (${(1000 / f.chainPerSecond).toFixed(2)} ms each, amortised)`);
	console.log(`ratio real / chain: ${(f.perSecond / f.chainPerSecond).toFixed(2)}`);
}

if (require.main === module) runAsScript(run, print);
