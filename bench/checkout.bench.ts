// Checkout throughput: real checkouts (orders → cart, products, shipping, inventory, payments,
// notifications, every store in memory) against a do-nothing chain of the same shape (an
// orders-like action calling inventory, payments, shipping, inventory and notifications
// actions that return at once), in one process. The ratio says what the real work costs on top
// of the calls themselves. Two more figures say where it goes: the orders saga alone (the real
// orders service over services that answer at once), and each action's time per checkout.
// With the stores in files, one more figure: the same checkout with the confirmation e-mail
// rendered and written before the answer (as it was) against after it (as it is), in one run.
// A script, not a test: `npm run bench:checkout`; `BENCH_STORE=files` keeps every store in NeDB
// files under a fresh temporary directory instead of memory. `npm run bench` runs it both ways.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import type { AuthUser } from "../lib/meta";
import { percentile, runAsScript, throughput } from "./support";

// Set before anything reads lib/config: every module below is imported in main(), after this.
const FILES = process.env.BENCH_STORE === "files";
const dataDir = FILES ? fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-checkout-")) : ":memory:";
process.env.DATA_DIR = dataDir;
process.env.METRICS_PORT = "0";
process.env.LOG_LEVEL = "error";

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 2_000);
/** Issue 13's shoppers: 16 at a time. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** BENCH_DETAILS=0 (npm run bench): only the figures the aims need, not the chain, the saga and the per-action times. */
const DETAILS = process.env.BENCH_DETAILS !== "0";
/** Checkouts per round of the e-mail comparison; two rounds each way, taking turns. */
const MAIL_ROUND = Math.max(100, Math.round(CHECKOUTS / 4));
/** The e-mail comparison: with the stores in files by default (where the e-mail is a file too); BENCH_MAIL=1 or 0 says. */
const MAIL = process.env.BENCH_MAIL ? process.env.BENCH_MAIL === "1" : FILES;

export interface Latency {
	perSecond: number;
	p50: number;
	p99: number;
}

export interface CheckoutFigures {
	store: "files" | "memory";
	concurrency: number;
	checkouts: number;
	checkout: Latency;
	confirmed: number;
	/** The same checkouts with the e-mail sent before the answer, and after it (BENCH_MAIL). */
	mail: { before: Latency; after: Latency } | null;
	details: {
		chainPerSecond: number;
		sagaPerSecond: number;
		/** Action → ms per checkout, and calls per checkout. */
		actions: [name: string, ms: number, calls: number][];
	} | null;
}

const BODY = {
	shippingAddress: { name: "Bench Buyer", street: "1 Load St", city: "Springfield", postalCode: "12345", country: "US" },
	payment: { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
};

/**
 * Where a checkout's time goes: the time spent in each action (inner calls included), per call.
 * With `mailFirst`, notifications.enqueue waits for the e-mail again, as checkouts did before.
 */
class ActionClock {
	readonly spent = new Map<string, { ms: number; calls: number }>();
	on = false;
	mailFirst = false;

	middleware(): Middleware {
		return {
			name: "ActionClock",
			localAction: (next: (ctx: unknown) => Promise<unknown>, action: { name: string }) => (ctx: unknown) => {
				if (this.mailFirst && action.name === "notifications.enqueue") (ctx as { params: { waitForSend?: boolean } }).params.waitForSend = true;
				if (!this.on) return next(ctx);
				const started = process.hrtime.bigint();
				return next(ctx).finally(() => {
					const entry = this.spent.get(action.name) ?? { ms: 0, calls: 0 };
					entry.ms += Number(process.hrtime.bigint() - started) / 1e6;
					entry.calls++;
					this.spent.set(action.name, entry);
				});
			},
		} as unknown as Middleware;
	}
}

/** Services that answer checkout's calls at once, with well-formed answers: the orders saga alone. */
function instantServices(): ServiceSchema[] {
	const instant = (name: string, actions: Record<string, (ctx: { params: Record<string, unknown> }) => unknown>): ServiceSchema => ({
		name,
		actions: Object.fromEntries(Object.entries(actions).map(([a, handler]) => [a, { handler }])),
	});
	const product = { id: "p1", sku: "P1", name: "Instant", description: "", category: "bench", price: 1_000, currency: "USD", imageUrl: "", available: 1 };
	return [
		instant("cart", { lines: () => [{ productId: "p1", quantity: 1 }], removeOrdered: () => ({ applied: true }) }),
		instant("products", { getMany: () => [product] }),
		instant("shipping", {
			quote: () => ({ cost: 500, currency: "USD", carrier: "Instant", estimatedDays: 1, zone: "domestic" }),
			create: ctx => ({ orderId: ctx.params.orderId, carrier: "Instant", trackingId: "IN0000000000", status: "booked" }),
		}),
		instant("inventory", { reserve: () => ({}), commit: () => ({}) }),
		instant("payments", { charge: ctx => ({ orderId: ctx.params.orderId, amount: ctx.params.amount, currency: "USD", status: "charged" }) }),
		instant("notifications", { enqueue: () => ({}) }),
	];
}

export async function run(): Promise<CheckoutFigures> {
	const { ServiceBroker } = await import("moleculer");
	const { NOOP_SERVICES } = await import("./noop-node");
	const { default: brokerConfig } = await import("../moleculer.config");
	const { call } = await import("../lib/call");
	const { SEED_PRODUCTS } = await import("../lib/seed-catalog/seed");
	const load = async (name: string) => (await import(`../services/${name}/${name}.service`)).default as ServiceSchema;
	const orders = await load("orders");
	const services = [orders, ...(await Promise.all(["products", "inventory", "cart", "currency", "payments", "shipping", "notifications"].map(load)))];

	const clock = new ActionClock();
	const broker: ServiceBroker = new ServiceBroker({
		...brokerConfig,
		nodeID: "bench",
		transporter: undefined,
		logger: false,
		metrics: { enabled: false },
		cacher: "Memory",
		middlewares: [clock.middleware()],
	});
	for (const schema of [...services, ...Object.values(NOOP_SERVICES)]) broker.createService(schema);
	await broker.start();

	const admin: AuthUser = { id: "bench-admin", email: "admin@bench.test", role: "admin" };
	const product = SEED_PRODUCTS[0];
	const mailRounds = MAIL ? 4 * MAIL_ROUND : 0;
	const total = CHECKOUTS * 2 + mailRounds + 1_000;
	await call(broker, "inventory.set", { productId: product.id, onHand: total }, { meta: { user: admin } });
	const buyer = (i: number): AuthUser => ({ id: `bench-${i}`, email: `bench-${i}@bench.test`, role: "customer" });
	let shoppers = 0;
	/** `n` new shoppers, each with one item in the cart; the number of the first. */
	const fillCarts = async (n: number) => {
		const from = shoppers;
		shoppers += n;
		await throughput(n, CONCURRENCY, i => call(broker, "cart.addItem", { productId: product.id, quantity: 1 }, { meta: { user: buyer(from + i) } }));
		return from;
	};
	const checkout = (from: number) => (i: number) => call(broker, "orders.checkout", BODY, { meta: { user: buyer(from + i) } });
	const noop = () => broker.call("noop-orders.checkout", BODY);
	/** `n` checkouts of fresh carts, timed one by one. */
	const timed = async (n: number): Promise<Latency> => {
		const from = await fillCarts(n);
		const latencies: number[] = [];
		const perSecond = await throughput(n, CONCURRENCY, i => {
			const started = performance.now();
			return checkout(from)(i).finally(() => latencies.push(performance.now() - started));
		});
		latencies.sort((a, b) => a - b);
		return { perSecond, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
	};

	// Warm-up: JIT, caches, indexes.
	await throughput(200, CONCURRENCY, checkout(await fillCarts(200)));
	if (DETAILS) await throughput(2_000, CONCURRENCY, noop);

	const measured = await timed(CHECKOUTS);
	const chain = DETAILS ? await throughput(CHECKOUTS * 5, CONCURRENCY, noop) : 0;

	let mail: CheckoutFigures["mail"] = null;
	if (MAIL) {
		// Taking turns (ABBA), so that whatever else the machine does, and any drift, falls on both alike.
		const rounds: Record<"before" | "after", Latency[]> = { before: [], after: [] };
		for (const way of ["before", "after", "after", "before"] as const) {
			clock.mailFirst = way === "before";
			rounds[way].push(await timed(MAIL_ROUND));
		}
		clock.mailFirst = false;
		const mean = (l: Latency[]): Latency => ({
			perSecond: l.reduce((s, x) => s + x.perSecond, 0) / l.length,
			p50: l.reduce((s, x) => s + x.p50, 0) / l.length,
			p99: l.reduce((s, x) => s + x.p99, 0) / l.length,
		});
		mail = { before: mean(rounds.before), after: mean(rounds.after) };
	}

	let details: CheckoutFigures["details"] = null;
	if (DETAILS) {
		// One at a time, timed per action: what each service's part of a checkout costs.
		const from = await fillCarts(300);
		clock.on = true;
		await throughput(300, 1, checkout(from));
		clock.on = false;
		details = { chainPerSecond: chain, sagaPerSecond: 0, actions: [...clock.spent].sort((a, b) => b[1].ms - a[1].ms).map(([name, { ms, calls }]) => [name, ms / calls, calls / 300]) };
	}

	// Every shopper checked out once: anything else means the figures are not of checkouts.
	const confirmed = await countConfirmed(broker, admin);
	await broker.stop();
	if (confirmed !== shoppers) throw new Error(`Expected ${shoppers} confirmed orders, found ${confirmed}`);

	if (details) {
		const sagaBroker: ServiceBroker = new ServiceBroker({ ...brokerConfig, nodeID: "bench-saga", transporter: undefined, logger: false, metrics: { enabled: false } });
		for (const schema of [orders, ...instantServices()]) sagaBroker.createService(schema);
		await sagaBroker.start();
		const sagaCheckout = (i: number) => call(sagaBroker, "orders.checkout", BODY, { meta: { user: buyer(i) } });
		await throughput(500, CONCURRENCY, sagaCheckout);
		details.sagaPerSecond = await throughput(CHECKOUTS, CONCURRENCY, i => sagaCheckout(500 + i));
		await sagaBroker.stop();
	}

	if (FILES) fs.rmSync(dataDir, { recursive: true, force: true });
	return { store: FILES ? "files" : "memory", concurrency: CONCURRENCY, checkouts: CHECKOUTS, checkout: measured, confirmed, mail, details };
}

/** Every confirmed order, counted page by page (the admin list is paged). */
async function countConfirmed(broker: ServiceBroker, admin: AuthUser): Promise<number> {
	const { call } = await import("../lib/call");
	let count = 0;
	for (let page = 1; ; page++) {
		const rows = await call(broker, "orders.list", { all: true, page, pageSize: 500 }, { meta: { user: admin } });
		count += rows.filter(o => o.status === "confirmed").length;
		if (rows.length < 500) return count;
	}
}

function print(f: CheckoutFigures): void {
	const ms = (n: number) => n.toFixed(1);
	console.log(`checkouts: ${f.checkouts} (concurrency ${f.concurrency}, stores ${f.store === "files" ? "in NeDB files" : "in memory"}), ${f.confirmed} confirmed in all`);
	console.log(`real checkout:        ${f.checkout.perSecond.toFixed(0).padStart(7)} /s  (${(1000 / f.checkout.perSecond).toFixed(2)} ms each, amortised)`);
	console.log(`real checkout latency: p50 ${ms(f.checkout.p50)} ms, p99 ${ms(f.checkout.p99)} ms`);
	if (f.mail) {
		const { before, after } = f.mail;
		console.log(`e-mail before the answer: ${before.perSecond.toFixed(0).padStart(5)} /s, p50 ${ms(before.p50)} ms, p99 ${ms(before.p99)} ms`);
		console.log(`e-mail after the answer:  ${after.perSecond.toFixed(0).padStart(5)} /s, p50 ${ms(after.p50)} ms, p99 ${ms(after.p99)} ms  (ratio ${(after.perSecond / before.perSecond).toFixed(2)})`);
	}
	if (!f.details) return;
	const { chainPerSecond: chain, sagaPerSecond: saga } = f.details;
	console.log(`do-nothing chain:     ${chain.toFixed(0).padStart(7)} /s  (${(1000 / chain).toFixed(2)} ms each, amortised)`);
	console.log(`ratio real / chain:   ${(f.checkout.perSecond / chain).toFixed(3)}`);
	console.log(`orders saga alone:    ${saga.toFixed(0).padStart(7)} /s  (${(1000 / saga).toFixed(2)} ms each; ratio to the chain ${(saga / chain).toFixed(3)})`);
	console.log("\none checkout at a time, ms per call (each includes the calls it makes):");
	for (const [name, each, calls] of f.details.actions) console.log(`  ${name.padEnd(26)} ${each.toFixed(3).padStart(7)} ms  × ${calls.toFixed(1)}`);
}

if (require.main === module) runAsScript(run, print);
