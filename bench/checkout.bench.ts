// Checkout throughput: real checkouts (orders → cart, products, shipping, inventory, payments,
// notifications, every store in memory) against a do-nothing chain of the same shape (an
// orders-like action calling inventory, payments, shipping, inventory and notifications
// actions that return at once), in one process. The ratio says what the real work costs on top
// of the calls themselves. Two more figures say where it goes: the orders saga alone (the real
// orders service over services that answer at once), and each action's time per checkout.
// A script, not a test: `npm run bench:checkout`; `BENCH_STORE=files` keeps every store in NeDB
// files under a fresh temporary directory instead of memory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import type { AuthUser } from "../lib/meta";

// Set before anything reads lib/config: every module below is imported in main(), after this.
const FILES = process.env.BENCH_STORE === "files";
const dataDir = FILES ? fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-checkout-")) : ":memory:";
process.env.DATA_DIR = dataDir;
process.env.METRICS_PORT = "0";
process.env.LOG_LEVEL = "error";

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TARGET_RATIO = 0.5;

const BODY = {
	shippingAddress: { name: "Bench Buyer", street: "1 Load St", city: "Springfield", postalCode: "12345", country: "US" },
	payment: { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" },
};

/** Where a checkout's time goes: the time spent in each action (inner calls included), per call. */
class ActionClock {
	readonly spent = new Map<string, { ms: number; calls: number }>();
	on = false;

	middleware(): Middleware {
		return {
			name: "ActionClock",
			localAction: (next: (ctx: unknown) => Promise<unknown>, action: { name: string }) => (ctx: unknown) => {
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

/** Runs `n` calls of `one(i)`, `concurrency` at a time; checkouts per second. */
async function throughput(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < n) await one(next++);
		}),
	);
	return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
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
	const total = CHECKOUTS * 2 + 1_000;
	await call(broker, "inventory.set", { productId: product.id, onHand: total }, { meta: { user: admin } });
	const buyer = (i: number): AuthUser => ({ id: `bench-${i}`, email: `bench-${i}@bench.test`, role: "customer" });
	const fillCarts = (from: number, n: number) =>
		throughput(n, CONCURRENCY, i => call(broker, "cart.addItem", { productId: product.id, quantity: 1 }, { meta: { user: buyer(from + i) } }));
	const checkout = (from: number) => (i: number) => call(broker, "orders.checkout", BODY, { meta: { user: buyer(from + i) } });
	const noop = () => broker.call("noop-orders.checkout", BODY);

	// Warm-up: JIT, caches, indexes.
	await fillCarts(0, 200);
	await throughput(200, CONCURRENCY, checkout(0));
	await throughput(2_000, CONCURRENCY, noop);

	await fillCarts(200, CHECKOUTS);
	const latencies: number[] = [];
	const timedCheckout = (i: number) => {
		const started = performance.now();
		return checkout(200)(i).finally(() => latencies.push(performance.now() - started));
	};
	const real = await throughput(CHECKOUTS, CONCURRENCY, timedCheckout);
	latencies.sort((a, b) => a - b);
	const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
	const chain = await throughput(CHECKOUTS * 5, CONCURRENCY, noop);

	// One at a time, timed per action: what each service's part of a checkout costs.
	await fillCarts(200 + CHECKOUTS, 300);
	clock.on = true;
	await throughput(300, 1, checkout(200 + CHECKOUTS));
	clock.on = false;

	const confirmed = (await call(broker, "orders.list", { all: true }, { meta: { user: admin } })).filter(o => o.status === "confirmed").length;
	await broker.stop();

	const sagaBroker: ServiceBroker = new ServiceBroker({ ...brokerConfig, nodeID: "bench-saga", transporter: undefined, logger: false, metrics: { enabled: false } });
	for (const schema of [orders, ...instantServices()]) sagaBroker.createService(schema);
	await sagaBroker.start();
	const sagaCheckout = (i: number) => call(sagaBroker, "orders.checkout", BODY, { meta: { user: buyer(i) } });
	await throughput(500, CONCURRENCY, sagaCheckout);
	const saga = await throughput(CHECKOUTS, CONCURRENCY, i => sagaCheckout(500 + i));
	await sagaBroker.stop();

	const ratio = real / chain;
	if (FILES) fs.rmSync(dataDir, { recursive: true, force: true });
	console.log(`checkouts: ${CHECKOUTS} (concurrency ${CONCURRENCY}, stores ${FILES ? "in NeDB files" : "in memory"}), ${confirmed} confirmed in all`);
	console.log(`real checkout:        ${real.toFixed(0).padStart(7)} /s  (${(1000 / real).toFixed(2)} ms each, amortised)`);
	console.log(`real checkout latency: p50 ${percentile(50)} ms, p99 ${percentile(99)} ms`);
	console.log(`do-nothing chain:     ${chain.toFixed(0).padStart(7)} /s  (${(1000 / chain).toFixed(2)} ms each, amortised)`);
	console.log(`ratio real / chain:   ${ratio.toFixed(3)}  (target ≥ ${TARGET_RATIO})`);
	console.log(`orders saga alone:    ${saga.toFixed(0).padStart(7)} /s  (${(1000 / saga).toFixed(2)} ms each; ratio to the chain ${(saga / chain).toFixed(3)})`);
	console.log("\none checkout at a time, ms per call (each includes the calls it makes):");
	for (const [name, { ms, calls }] of [...clock.spent].sort((a, b) => b[1].ms - a[1].ms)) {
		console.log(`  ${name.padEnd(26)} ${(ms / calls).toFixed(3).padStart(7)} ms  × ${(calls / 300).toFixed(1)}`);
	}
	if (confirmed !== CHECKOUTS + 500) {
		console.error(`Expected ${CHECKOUTS + 500} confirmed orders, found ${confirmed}`);
		process.exitCode = 1;
	}
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
