// The ledger on real NeDB files, as a node would run it: a crash after any single write leaves
// books that the next start (its sweeper, or the caller's retry) brings back into balance,
// without moving any stock twice; and two instances sharing one store never oversell.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../../lib/config";
import { unbalanced } from "../support/inventory-books";
import { StockLedger } from "../../services/inventory/ledger";
import type { ReservationDoc, StockDoc } from "../../services/inventory/records";
import { createAdapter, type Store } from "../../mixins/db.mixin";
import type { OrderLine } from "../../services/inventory/inventory.contract";

const LEASE = 10_000;
const T0 = Date.parse("2026-11-02T10:00:00Z");
const STOCK = { a: 5, b: 5, c: 5 };
const LINES: OrderLine[] = [
	{ productId: "c", quantity: 3 },
	{ productId: "a", quantity: 2 },
	{ productId: "b", quantity: 1 },
];
const WRITES = new Set(["insert", "insertMany", "updateMany", "updateById", "removeMany", "removeById", "clear"]);

const dirs: string[] = [];
/** Every store opened, the "crashed" ones too: a dead node's stores keep their timers in this process. */
const opened: Stores[] = [];
const memory = config.dataDir;
afterAll(async () => {
	await Promise.all(opened.map(stores => stores.close()));
	config.dataDir = memory;
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Stores {
	stock: Store<StockDoc>;
	reservations: Store<ReservationDoc>;
	close(): Promise<unknown>;
}

/** The inventory's two NeDB files under `dir`, loaded from disk as a starting node loads them. */
async function open(dir: string): Promise<Stores> {
	config.dataDir = dir;
	const stock = createAdapter("inventory", "stock");
	const reservations = createAdapter("inventory", "reservations");
	await Promise.all([stock.connect(), reservations.connect()]);
	const stores = {
		stock: stock as unknown as Store<StockDoc>,
		reservations: reservations as unknown as Store<ReservationDoc>,
		close: () => Promise.all([stock.disconnect(), reservations.disconnect()]),
	};
	opened.push(stores);
	return stores;
}

function newDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-crash-"));
	dirs.push(dir);
	return dir;
}

function ledger(stores: Stores, now: () => number): StockLedger {
	return new StockLedger(stores.stock, stores.reservations, {
		reservationTtlMs: 15 * 60_000,
		lockLeaseMs: LEASE,
		// Duplicates queue for the order's lock; twenty of them through file-backed stores on a busy
		// machine can take longer than the service's 1.5 s, and "busy, retry" is not what these tests are about.
		lockWaitMs: 10_000,
		now,
		onChange: () => undefined,
		warn: () => undefined,
	});
}

/** Both stores with every method call passed through `around`. */
function intercepted(stores: Stores, around: (method: string, call: () => Promise<unknown>) => Promise<unknown>): Stores {
	const wrap = <T extends object>(store: T): T =>
		new Proxy(store, {
			get(target, name) {
				const value = Reflect.get(target, name);
				if (typeof value !== "function") return value;
				return (...args: unknown[]) => around(String(name), () => value.apply(target, args));
			},
		});
	return { ...stores, stock: wrap(stores.stock), reservations: wrap(stores.reservations) };
}

/**
 * Stores of a process that dies right after its `lastWrite`-th write reached the disk: that
 * write happened, and the process never learns so, nor does anything else.
 */
function mortal(stores: Stores, lastWrite: number): { stores: Stores; died: Promise<"died"> } {
	let writes = 0;
	let dead = false;
	let die!: (value: "died") => void;
	const died = new Promise<"died">(resolve => (die = resolve));
	const never = new Promise<never>(() => undefined);
	const dying = intercepted(stores, async (method, call) => {
		if (dead) return never;
		const result = await call();
		if (WRITES.has(method) && ++writes === lastWrite) {
			dead = true;
			die("died");
			return never;
		}
		return result;
	});
	return { stores: dying, died };
}

/** The same stores with every call delayed by 0–2 ms at random: a busy database, where races show. */
function jittery(stores: Stores): Stores {
	return intercepted(stores, async (_method, call) => {
		await new Promise(resolve => setTimeout(resolve, Math.floor(Math.random() * 3)));
		return call();
	});
}

type Step = "reserve" | "commit" | "release";
const STEPS: Step[] = ["reserve", "commit", "release"];
const run = (l: StockLedger, step: Step) => (step === "reserve" ? l.reserve("order-1", LINES) : l[step]("order-1"));

async function seeded(): Promise<string> {
	const dir = newDir();
	const stores = await open(dir);
	await ledger(stores, () => T0).addMissing(Object.entries(STOCK).map(([productId, onHand]) => ({ productId, onHand })));
	await stores.close();
	return dir;
}

async function books(stores: Stores): Promise<{ problems: string[]; stock: StockDoc[] }> {
	const stock = await stores.stock.find({ sort: ["_id"] });
	return { problems: unbalanced(stock, await stores.reservations.find({})), stock };
}

/** Runs reserve → commit → release, dying after write `lastWrite`; returns the step it died in. */
async function crashRun(dir: string, lastWrite: number): Promise<number | null> {
	const { stores, died } = mortal(await open(dir), lastWrite);
	const first = ledger(stores, () => T0);
	for (let i = 0; i < STEPS.length; i++) {
		if ((await Promise.race([run(first, STEPS[i]).then(() => "done" as const), died])) === "died") return i;
	}
	return null;
}

let writesInARun = 0;
beforeAll(async () => {
	// Count the writes of an undisturbed run: every one of them is a place to crash.
	const dir = await seeded();
	const stores = await open(dir);
	const counted = mortal(stores, Number.MAX_SAFE_INTEGER).stores;
	const countWrites = <T extends object>(store: T): T =>
		new Proxy(store, {
			get(target, name) {
				const value = Reflect.get(target, name);
				if (typeof value !== "function") return value;
				return (...args: unknown[]) => {
					if (WRITES.has(String(name))) writesInARun++;
					return value.apply(target, args);
				};
			},
		});
	const l = ledger({ ...counted, stock: countWrites(stores.stock), reservations: countWrites(stores.reservations) }, () => T0);
	for (const step of STEPS) await run(l, step);
	await stores.close();
});

describe("a crash after any single write", () => {
	it("is a scenario of many writes", () => {
		// reserve, commit and cancel of a three-line order: ~25 writes, each a separate crash below.
		expect(writesInARun).toBeGreaterThan(20);
	});

	it("leaves books that the sweeper alone brings back into balance, and the caller's retries then finish the order exactly once", async () => {
		for (let lastWrite = 1; lastWrite <= writesInARun; lastWrite++) {
			const dir = await seeded();
			const crashedIn = await crashRun(dir, lastWrite);
			expect({ lastWrite, crashedIn }).toEqual({ lastWrite, crashedIn: expect.any(Number) });

			// The next start: its locks have run out, its sweeper runs first.
			const stores = await open(dir);
			const next = ledger(stores, () => T0 + LEASE + 1);
			await next.sweep();
			const swept = await books(stores);
			expect({ lastWrite, problems: swept.problems }).toEqual({ lastWrite, problems: [] });

			// Checkout retries the call that never answered, then carries on.
			for (const step of STEPS.slice(crashedIn as number)) await run(next, step);
			const end = await books(stores);
			expect({ lastWrite, ...end }).toEqual({
				lastWrite,
				problems: [],
				stock: ["a", "b", "c"].map(id => expect.objectContaining({ _id: id, available: 5, reserved: 0, sold: 0 })),
			});
			await stores.close();
		}
	});

	it("is finished by the caller's retry alone, which carries on where the crash stopped it", async () => {
		for (let lastWrite = 1; lastWrite <= writesInARun; lastWrite++) {
			const dir = await seeded();
			const crashedIn = (await crashRun(dir, lastWrite)) as number;

			const stores = await open(dir);
			const next = ledger(stores, () => T0 + LEASE + 1);
			const reservation = await run(next, STEPS[crashedIn]);
			expect({ lastWrite, state: reservation.state }).toEqual({ lastWrite, state: ["held", "committed", "released"][crashedIn] });
			const mid = await books(stores);
			expect({ lastWrite, problems: mid.problems }).toEqual({ lastWrite, problems: [] });
			const sold = crashedIn === 1 ? LINES : [];
			const held = crashedIn === 0 ? LINES : [];
			for (const { productId, quantity } of LINES) {
				const doc = mid.stock.find(d => d._id === productId)!;
				const h = held.find(l => l.productId === productId)?.quantity ?? 0;
				const s = sold.find(l => l.productId === productId)?.quantity ?? 0;
				expect({ lastWrite, productId, available: doc.available, reserved: doc.reserved, sold: doc.sold }).toEqual({
					lastWrite,
					productId,
					available: STOCK[productId as keyof typeof STOCK] - (crashedIn === 2 ? 0 : quantity),
					reserved: h,
					sold: s,
				});
			}
			await stores.close();
		}
	});
});

/**
 * The inventory's stores in `dir`, as a process uses them that dies right after the reservation
 * write that moves it to `state` (that write lands; nothing of the process runs any more). Also
 * counts the process's reservation writes.
 */
async function diesAfterWriting(dir: string, state: string): Promise<{ stores: Stores; died: Promise<void>; writes: () => number }> {
	let dead = false;
	let writes = 0;
	let die!: () => void;
	const died = new Promise<void>(resolve => (die = resolve));
	const opened = await open(dir);
	const reservations = new Proxy(opened.reservations, {
		get(target, name) {
			const value = Reflect.get(target, name);
			if (typeof value !== "function") return value;
			return async (...args: unknown[]) => {
				if (dead) return new Promise(() => undefined);
				const result = await value.apply(target, args);
				if (WRITES.has(String(name)) && (name !== "updateMany" || result)) writes++;
				if (name === "updateMany" && result && (args[1] as { $set?: { state?: string } }).$set?.state === state) {
					dead = true;
					die();
					return new Promise(() => undefined);
				}
				return result;
			};
		},
	});
	return { stores: { ...opened, reservations }, died, writes: () => writes };
}

const SOLD = [
	["a", 3, 0, 2],
	["b", 4, 0, 1],
	["c", 2, 0, 3],
];

describe("a commit", () => {
	it("writes the reservation twice: the lock with the intent, and the sale with the unlock", async () => {
		const { stores, writes } = await diesAfterWriting(await seeded(), "never");
		const l = ledger(stores, () => T0);
		await l.reserve("order-1", LINES);
		const before = writes();
		expect((await l.commit("order-1")).state).toBe("committed");
		expect(writes() - before).toBe(2);
		await stores.close();
	});

	it("cut off right after its first write (the lock and the intent) is finished by the sweeper, each line sold once", async () => {
		const dir = await seeded();
		const { stores, died } = await diesAfterWriting(dir, "committing");
		const first = ledger(stores, () => T0);
		await first.reserve("order-1", LINES);
		await Promise.race([first.commit("order-1"), died]);

		const reopened = await open(dir);
		expect((await reopened.reservations.findOne({ _id: "order-1" }))?.state).toBe("committing");
		const next = ledger(reopened, () => T0 + LEASE + 1);
		expect(await next.sweep()).toBe(1);
		expect((await next.commit("order-1")).state).toBe("committed");
		const end = await books(reopened);
		expect(end.problems).toEqual([]);
		expect(end.stock.map(d => [d._id, d.available, d.reserved, d.sold])).toEqual(SOLD);
		await reopened.close();
	});

	it("cut off right after the sale is written leaves the order sold and free: the retried commit answers at once", async () => {
		const dir = await seeded();
		// Where the write that only let go of the lock used to follow.
		const { stores, died } = await diesAfterWriting(dir, "committed");
		const first = ledger(stores, () => T0);
		await first.reserve("order-1", LINES);
		await Promise.race([first.commit("order-1"), died]);

		// The next start, at once: no lock to wait for, the order is sold.
		const reopened = await open(dir);
		const next = ledger(reopened, () => T0 + 1);
		expect((await next.commit("order-1")).state).toBe("committed");
		const end = await books(reopened);
		expect(end.problems).toEqual([]);
		expect(end.stock.map(d => [d._id, d.available, d.reserved, d.sold])).toEqual(SOLD);
		await reopened.close();
	});
});

describe("two inventory instances sharing one store", () => {
	it("sell the last 5 to exactly 5 of 50 shoppers split between them, and the files say so after a reload", async () => {
		const dir = newDir();
		const stores = await open(dir);
		const [one, two] = [ledger(jittery(stores), Date.now), ledger(jittery(stores), Date.now)];
		await one.addMissing([{ productId: "last", onHand: 5 }]);

		const results = await Promise.allSettled(
			Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).reserve(`shopper-${i}`, [{ productId: "last", quantity: 1 }])),
		);
		expect(results.filter(r => r.status === "fulfilled")).toHaveLength(5);
		await stores.close();

		const reloaded = await open(dir);
		const { problems, stock } = await books(reloaded);
		expect(problems).toEqual([]);
		expect(stock).toEqual([expect.objectContaining({ _id: "last", available: 0, reserved: 5 })]);
		await reloaded.close();
	});

	it("hold an order once when its duplicates reach both instances at the same moment", async () => {
		const stores = await open(newDir());
		const [one, two] = [ledger(jittery(stores), Date.now), ledger(jittery(stores), Date.now)];
		await one.addMissing([{ productId: "p", onHand: 10 }]);
		const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).reserve("order-x", [{ productId: "p", quantity: 3 }])));
		expect(new Set(results.map(r => r.state))).toEqual(new Set(["held"]));
		// Commits and cancellations racing on both instances: whichever order they land in, each moves the stock once.
		await Promise.allSettled([one.commit("order-x"), two.commit("order-x"), one.release("order-x"), two.release("order-x")]);
		const { problems, stock } = await books(stores);
		expect(problems).toEqual([]);
		expect(stock).toEqual([expect.objectContaining({ available: 10, reserved: 0, sold: 0 })]);
		await stores.close();
	});

	it("hold nothing when duplicates of an order that cannot be filled reach both at the same moment", async () => {
		const stores = await open(newDir());
		const [one, two] = [ledger(jittery(stores), Date.now), ledger(jittery(stores), Date.now)];
		await one.addMissing([
			{ productId: "plenty", onHand: 10 },
			{ productId: "scarce", onHand: 1 },
		]);
		const lines = [
			{ productId: "plenty", quantity: 1 },
			{ productId: "scarce", quantity: 2 },
		];
		const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).reserve("order-y", lines)));
		expect(new Set(results.map(r => r.status === "rejected" && (r.reason as { type?: string }).type))).toEqual(new Set(["OUT_OF_STOCK"]));
		const { problems, stock } = await books(stores);
		expect(problems).toEqual([]);
		expect(stock).toEqual([expect.objectContaining({ _id: "plenty", available: 10 }), expect.objectContaining({ _id: "scarce", available: 1 })]);
		await stores.close();
	});

	it("end with exactly the units on hand an admin set while shoppers kept reserving on both", async () => {
		const stores = await open(newDir());
		const [one, two] = [ledger(jittery(stores), Date.now), ledger(jittery(stores), Date.now)];
		const later = <T>(ms: number, work: () => Promise<T>) => new Promise<T>(resolve => setTimeout(() => resolve(work()), ms));
		for (let round = 0; round < 5; round++) {
			const productId = `p-${round}`;
			await one.addMissing([{ productId, onHand: 30 }]);
			// Shoppers arrive over 20 ms on both instances; the admin sets 100 on hand half-way through.
			await Promise.all([
				...Array.from({ length: 40 }, (_, i) =>
					later(Math.random() * 20, () => (i % 2 ? one : two).reserve(`${productId}-order-${i}`, [{ productId, quantity: 1 }]).catch(() => null)),
				),
				later(10, () => one.setOnHand(productId, 100, false)),
			]);
			const doc = (await stores.stock.findOne({ _id: productId }))!;
			expect({ round, onHand: doc.available + doc.reserved }).toEqual({ round, onHand: 100 });
		}
		expect((await books(stores)).problems).toEqual([]);
		await stores.close();
	});
});
