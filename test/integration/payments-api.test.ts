// The simulated card processor: the contract's test cards, one charge per order however often
// (and however concurrently) it is asked, refunds, outages, and the admin's view of the books.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import PaymentsService from "../../services/payments/payments.service";
import { call } from "../../lib/call";
import { isUnreachable } from "../../lib/errors";
import { signToken } from "../../lib/tokens";
import { pendingCharge, type ChargeDoc } from "../../services/payments/charges";
import type { Store } from "../../mixins/db.mixin";
import type { CardDetails } from "../../services/orders/orders.contract";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

let clock = Date.parse("2030-06-15T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const rolls: number[] = [];

/** Payments with a clock and dice the tests hold; 20 ms at the processor so repeats really overlap. */
const TestPayments = {
	name: "payments",
	mixins: [PaymentsService as unknown as ServiceSchema],
	settings: { latencyMs: 20, failureRate: 0 },
	methods: {
		now: () => clock,
		random: () => rolls.shift() ?? 0.99,
	},
} as ServiceSchema;

interface PaymentsInternals {
	adapter: Store<ChargeDoc>;
	settings: { latencyMs: number; failureRate: number; claimGraceMs: number };
	settle(orderId: string, amount: number, currency: string, card: unknown): Promise<ChargeDoc>;
}

const card = (cardNumber: string, over: Partial<CardDetails> = {}): CardDetails => ({ cardNumber, expMonth: 12, expYear: 2031, cvc: "123", ...over });
const GOOD = "4242424242424242";
const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "u-ada", email: "ada@example.com", role: "customer" });

let orderSeq = 0;
const newOrderId = () => `order-${++orderSeq}`;

describe("payments", () => {
	let broker: ServiceBroker;
	let api: string;
	const svc = () => broker.getLocalService("payments") as unknown as PaymentsInternals;
	const charge = (orderId: string, cardNumber = GOOD, amount = 2599, over: Partial<CardDetails> = {}) =>
		call(broker, "payments.charge", { orderId, amount, currency: "USD", card: card(cardNumber, over) });
	const stored = (orderId: string) => svc().adapter.find({ query: { orderId } });

	beforeAll(async () => {
		broker = await startBroker([ApiService, TestPayments] as ServiceSchema[]);
		api = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => broker.stop());
	afterEach(() => {
		rolls.length = 0;
		svc().settings.failureRate = 0;
	});

	describe("the contract's test cards", () => {
		it("charges 4242424242424242 and records amount, currency, order and last 4", async () => {
			const orderId = newOrderId();
			const result = await charge(orderId, GOOD, 2599);
			expect(result).toEqual({
				id: expect.any(String),
				orderId,
				amount: 2599,
				currency: "USD",
				status: "charged",
				last4: "4242",
				createdAt: iso(clock),
				updatedAt: iso(clock),
			});
		});

		it("declines 4000000000000002 with a 402, and records the attempt as declined", async () => {
			const orderId = newOrderId();
			await expect(charge(orderId, "4000000000000002")).rejects.toMatchObject({ code: 402, type: "PAYMENT_DECLINED", data: { reason: "card_declined" } });
			expect(await stored(orderId)).toEqual([expect.objectContaining({ status: "declined", amount: 2599, last4: "0002" })]);
		});

		it("declines 4000000000009995 for insufficient funds", async () => {
			await expect(charge(newOrderId(), "4000000000009995")).rejects.toMatchObject({ code: 402, data: { reason: "insufficient_funds" } });
		});

		it("charges any other number that passes the Luhn check", async () => {
			await expect(charge(newOrderId(), "5555555555554444")).resolves.toMatchObject({ status: "charged", last4: "4444" });
		});

		it("refuses a number that fails the Luhn check with a 422 on cardNumber, and records nothing", async () => {
			const orderId = newOrderId();
			await expect(charge(orderId, "4242424242424241")).rejects.toMatchObject({ code: 422, data: [{ field: "cardNumber", message: expect.any(String) }] });
			expect(await stored(orderId)).toEqual([]);
		});

		it("declines an expired card (402 expired_card), and accepts one in its last month", async () => {
			await expect(charge(newOrderId(), GOOD, 100, { expMonth: 5, expYear: 2030 })).rejects.toMatchObject({ code: 402, data: { reason: "expired_card" } });
			await expect(charge(newOrderId(), GOOD, 100, { expMonth: 6, expYear: 2030 })).resolves.toMatchObject({ status: "charged" });
		});

		it("refuses an amount that is not a positive whole number of cents", async () => {
			for (const amount of [0, -100, 19.99]) {
				await expect(charge(newOrderId(), GOOD, amount)).rejects.toMatchObject({ code: 422, data: [expect.objectContaining({ field: "amount" })] });
			}
		});
	});

	describe("one charge per order", () => {
		it("answers 20 parallel charges of one order with one and the same charge", async () => {
			const orderId = newOrderId();
			const results = await Promise.all(Array.from({ length: 20 }, () => charge(orderId)));
			expect(new Set(results.map(r => r.id)).size).toBe(1);
			expect(await stored(orderId)).toHaveLength(1);
		});

		it("takes one charge when concurrent repeats reach it from different nodes (the store decides, not the node)", async () => {
			// settle() is what each node runs after its own in-process de-duplication.
			const orderId = newOrderId();
			const results = await Promise.all(Array.from({ length: 20 }, () => svc().settle(orderId, 2599, "USD", { number: GOOD, last4: "4242", expMonth: 12, expYear: 2031 })));
			expect(new Set(results.map(r => r._id)).size).toBe(1);
			expect(results.every(r => r.status === "charged")).toBe(true);
			expect(await stored(orderId)).toHaveLength(1);
		});

		it("returns the first charge to a later repeat, without charging again", async () => {
			const orderId = newOrderId();
			const first = await charge(orderId);
			clock += 60_000;
			expect(await charge(orderId)).toEqual(first);
			expect(await stored(orderId)).toHaveLength(1);
		});

		it("declines a repeat of a declined charge again, without a second attempt", async () => {
			const orderId = newOrderId();
			await expect(charge(orderId, "4000000000000002")).rejects.toMatchObject({ code: 402 });
			await expect(charge(orderId, "4000000000000002")).rejects.toMatchObject({ code: 402, data: { reason: "card_declined" } });
			expect(await stored(orderId)).toHaveLength(1);
		});

		it("finishes a charge whose node died before the processor decided, once its claim goes stale, and only once", async () => {
			const orderId = newOrderId();
			await svc().adapter.insert(pendingCharge(orderId, 2599, "USD", "4242", clock));
			const repeats = Promise.all(Array.from({ length: 5 }, () => charge(orderId)));
			await new Promise(r => setTimeout(r, 100));
			expect((await stored(orderId))[0].status).toBe("pending"); // a live claim is waited for, not overtaken
			clock += svc().settings.latencyMs + svc().settings.claimGraceMs + 1;
			const results = await repeats;
			expect(new Set(results.map(r => r.id)).size).toBe(1);
			expect(await stored(orderId)).toEqual([expect.objectContaining({ status: "charged" })]);
		});

		it("refuses the same order id with another amount instead of charging it twice", async () => {
			const orderId = newOrderId();
			await charge(orderId, GOOD, 1000);
			await expect(charge(orderId, GOOD, 2000)).rejects.toMatchObject({ code: 409, type: "IDEMPOTENCY_MISMATCH" });
			expect(await stored(orderId)).toEqual([expect.objectContaining({ amount: 1000 })]);
		});
	});

	describe("refunds", () => {
		it("refunds a charge once, however often it is asked", async () => {
			const orderId = newOrderId();
			await charge(orderId);
			const refunds = await Promise.all(Array.from({ length: 10 }, () => call(broker, "payments.refund", { orderId })));
			for (const refund of refunds) expect(refund).toMatchObject({ orderId, status: "refunded", amount: 2599 });
			expect(await stored(orderId)).toEqual([expect.objectContaining({ status: "refunded" })]);
		});

		it("answers a refund of a declined attempt with it, untouched", async () => {
			const orderId = newOrderId();
			await expect(charge(orderId, "4000000000000002")).rejects.toMatchObject({ code: 402 });
			await expect(call(broker, "payments.refund", { orderId })).resolves.toMatchObject({ status: "declined" });
		});

		it("voids an order refunded before it was charged, so a late charge is refused, not taken", async () => {
			const orderId = newOrderId();
			await expect(call(broker, "payments.refund", { orderId })).resolves.toBeNull();
			await expect(charge(orderId)).rejects.toMatchObject({ code: 409, type: "PAYMENT_VOIDED" });
			const list = await call(broker, "payments.list", { orderId });
			expect(list).toEqual([]);
		});

		it("waits for a charge still at the processor, then refunds it", async () => {
			const orderId = newOrderId();
			svc().settings.latencyMs = 300;
			const charging = charge(orderId).finally(() => (svc().settings.latencyMs = 20));
			while ((await stored(orderId)).length === 0) await new Promise(r => setTimeout(r, 1));
			expect((await stored(orderId))[0].status).toBe("pending");
			const refund = await call(broker, "payments.refund", { orderId });
			expect(await charging).toMatchObject({ status: "charged" });
			expect(refund).toMatchObject({ status: "refunded" });
		});
	});

	describe("processor outages (PAYMENTS_FAILURE_RATE)", () => {
		it("fails as a service that is down (503), not as a decline, and charges nothing", async () => {
			svc().settings.failureRate = 1;
			const orderId = newOrderId();
			// The service's own answer, as the broker hands it over (lib/call.ts would turn it into a plain 503).
			const err = await broker.call("payments.charge", { orderId, amount: 2599, currency: "USD", card: card(GOOD) }).catch(e => e);
			expect(err).toMatchObject({ code: 503, type: "PAYMENT_PROCESSOR_UNAVAILABLE", retryable: true });
			expect(isUnreachable(err)).toBe(true);
			expect(await stored(orderId)).toEqual([]);
		});

		it("is retried by the caller's broker, and the retry charges once", async () => {
			svc().settings.failureRate = 0.5;
			rolls.push(0.1, 0.2, 0.9); // out, out, then up: retries: 2 covers exactly that
			const orderId = newOrderId();
			await expect(charge(orderId)).resolves.toMatchObject({ status: "charged" });
			expect(await stored(orderId)).toHaveLength(1);
		});
	});

	describe("PAYMENTS_LATENCY_MS", () => {
		it("adds its delay to every charge", async () => {
			svc().settings.latencyMs = 150;
			const started = Date.now();
			await charge(newOrderId());
			expect(Date.now() - started).toBeGreaterThanOrEqual(145);
			svc().settings.latencyMs = 20;
		});
	});

	describe("card data", () => {
		it("never stores or returns more of the card than the last 4 digits", async () => {
			const orderId = newOrderId();
			await charge(orderId, "5555555555554444", 100, { cvc: "987" });
			await expect(charge(newOrderId(), "4000000000000002", 100, { cvc: "987" })).rejects.toMatchObject({ code: 402 });
			const everything = JSON.stringify([await svc().adapter.find({}), await call(broker, "payments.list", {})]);
			expect(everything).not.toMatch(/5555555555554444|555555555555|4000000000000002|400000000000|"987"|cvc|expMonth|expYear/);
		});
	});

	describe("logs", () => {
		it("never carry a card number or cvc, even at debug level and on every kind of failure", async () => {
			const lines: string[] = [];
			const spies = (["log", "info", "warn", "error", "debug"] as const).map(level =>
				jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))),
			);
			const loud = await startBroker([TestPayments], { logger: { type: "Console", options: { level: "debug", colors: false } } });
			try {
				const send = (orderId: string, cardNumber: string, cvc = "987") =>
					call(loud, "payments.charge", { orderId, amount: 100, currency: "USD", card: card(cardNumber, { cvc }) }).catch(() => undefined);
				await send("log-1", "5555555555554444");
				await send("log-2", "4000000000009995");
				await send("log-3", "5555555555554443");
				await send("log-4", "5555555555554444", "98x");
				(loud.getLocalService("payments") as unknown as PaymentsInternals).settings.failureRate = 1;
				await send("log-5", "5555555555554444");
			} finally {
				await loud.stop();
				spies.forEach(spy => spy.mockRestore());
			}
			expect(lines.join("\n")).toMatch(/Charged order log-1/);
			// Word bounds: "987" may well occur inside a timestamp or a request id.
			expect(lines.join("\n")).not.toMatch(/555555555555|400000000000|\b987\b|\b98x\b/);
		});
	});

	describe("GET /api/payments", () => {
		it("shows admins every charge attempt, newest first, filtered by ?orderId=", async () => {
			const declined = newOrderId();
			const charged = newOrderId();
			await expect(charge(declined, "4000000000000002", 500)).rejects.toMatchObject({ code: 402 });
			clock += 1_000;
			await charge(charged, GOOD, 700);

			const all = await http.get(`${api}/payments`, { token: admin });
			expect(all.status).toBe(200);
			const mine = all.body.filter((c: { orderId: string }) => [declined, charged].includes(c.orderId));
			expect(mine).toEqual([
				{ id: expect.any(String), orderId: charged, amount: 700, currency: "USD", status: "charged", last4: "4242", createdAt: iso(clock), updatedAt: expect.any(String) },
				expect.objectContaining({ orderId: declined, amount: 500, status: "declined", last4: "0002" }),
			]);
			const times = all.body.map((c: { createdAt: string }) => c.createdAt);
			expect(times).toEqual([...times].sort().reverse());

			const one = await http.get(`${api}/payments?orderId=${declined}`, { token: admin });
			expect(one.status).toBe(200);
			expect(one.body).toEqual([expect.objectContaining({ orderId: declined, status: "declined" })]);
		});

		it("answers a page at a time: 100 by default, newest first, the whole count in X-Total-Count", async () => {
			// 130 charges newer than any before, one second apart.
			const many = Array.from({ length: 130 }, (_, i) => {
				clock += 1_000;
				return { ...pendingCharge(`paged-${i}`, 100 + i, "USD", "4242", clock), status: "charged" as const };
			});
			await svc().adapter.insertMany(many);
			const newestFirst = [...many].reverse().map(c => c.orderId);

			const first = await http.get(`${api}/payments`, { token: admin });
			expect(first.status).toBe(200);
			const total = Number(first.headers.get("x-total-count"));
			expect(total).toBeGreaterThanOrEqual(130);
			expect(first.body).toHaveLength(100);
			expect(first.body.map((c: { orderId: string }) => c.orderId)).toEqual(newestFirst.slice(0, 100));

			const second = await http.get(`${api}/payments?page=2&pageSize=50`, { token: admin });
			expect(second.body.map((c: { orderId: string }) => c.orderId)).toEqual(newestFirst.slice(50, 100));
			expect(second.headers.get("x-total-count")).toBe(String(total));

			// Every page of 7 together: each charge once, none missing.
			const seen: string[] = [];
			for (let page = 1; page <= Math.ceil(total / 7); page++) seen.push(...(await http.get(`${api}/payments?page=${page}&pageSize=7`, { token: admin })).body.map((c: { id: string }) => c.id));
			expect(new Set(seen).size).toBe(total);
			expect(seen).toHaveLength(total);
			expect((await http.get(`${api}/payments?page=${Math.ceil(total / 7) + 1}&pageSize=7`, { token: admin })).body).toEqual([]);

			const one = await http.get(`${api}/payments?orderId=paged-3&pageSize=500`, { token: admin });
			expect(one.body).toEqual([expect.objectContaining({ orderId: "paged-3", amount: 103 })]);
			expect(one.headers.get("x-total-count")).toBe("1");
		});

		it("refuses a page or page size out of range (pageSize 1–500, page from 1)", async () => {
			for (const q of ["pageSize=0", "pageSize=501", "page=0", "page=-1", "pageSize=abc", "page=1.5"]) {
				const res = await http.get(`${api}/payments?${q}`, { token: admin });
				expect([q, res.status]).toEqual([q, 422]);
			}
			expect((await http.get(`${api}/payments?pageSize=500`, { token: admin })).status).toBe(200);
		});

		it("is for admins only", async () => {
			expect((await http.get(`${api}/payments`)).status).toBe(401);
			expect((await http.get(`${api}/payments`, { token: customer })).status).toBe(403);
		});

		it("refuses query options it does not know", async () => {
			const res = await http.get(`${api}/payments?sort=amount`, { token: admin });
			expect(res.status).toBe(422);
		});

		it("has no route to charge or refund", async () => {
			const charged = await http.post(`${api}/payments`, { orderId: "x", amount: 1, currency: "USD", card: card(GOOD) }, { token: admin });
			expect(charged.status).toBe(404);
		});
	});
});
