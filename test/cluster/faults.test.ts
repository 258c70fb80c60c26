// Fault rules on a running multi-process cluster, set and taken back by an admin through
// PUT/DELETE /api/ops/faults: each kind of rule is turned on, the shop degrades as the contract
// promises (a 503 with Retry-After and nothing charged, no stock held; a page that answers on time
// without its optional part; a charge that lands after the checkout gave up does not stick), and it
// is turned off again. A rule reaches every node within 2 s, one with `until` lapses by itself, a
// node that joins later gets the rules in force, and a rule on the gateway never locks the operator
// out. The books balance after every test.
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import type { FaultRule } from "../../services/ops/ops.contract";
import type { Order } from "../../services/orders/orders.contract";
import { expectBooksToBalance } from "../support/books";
import { TestCluster } from "../support/cluster";
import { http, type JsonResponse } from "../support/http";

const ADDRESS = { name: "Grace Hopper", street: "1 Harbor Rd", city: "Arlington", postalCode: "22201", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const SPREAD_MS = 2_000; // the contract: a rule is in force on every node within 2 s
const admin = signToken({ id: "faults-admin", email: "admin@example.com", role: "admin" });
const shopper = (name: string) => signToken({ id: `faulted-${name}`, email: `${name}@example.com`, role: "customer" });
const [ITEM] = SEED_PRODUCTS.filter(p => p.initialStock >= 20);

type RuleInput = Partial<FaultRule> & { target: string };

describe("fault rules on a multi-process cluster", () => {
	const cluster = new TestCluster();
	let api: string;
	/** What was measured, printed at the end. */
	const figures: string[] = [];
	const startingStock = Object.fromEntries(SEED_PRODUCTS.map(p => [p.id, p.initialStock]));
	const running = () => ["gw", "catalog", "checkout", "payments", "payments2"].filter(name => cluster.hasNode(name) && cluster.node(name).running);

	/** The rules node `name` holds now. */
	const rulesOn = async (name: string) => ((await cluster.observer.call("$faults.rules", {}, { nodeID: cluster.node(name).nodeID })) as { rules: FaultRule[] }).rules;
	/** Waits until every running node holds exactly `rules`; returns how long that took. */
	const spread = (rules: FaultRule[]) =>
		cluster.waitFor(
			async () => (await Promise.all(running().map(rulesOn))).every(held => JSON.stringify(held) === JSON.stringify(rules)),
			10_000,
			`every node to hold ${JSON.stringify(rules)}`,
		);
	/** PUT /api/ops/faults, then the time until every node holds the rules, which must be within the contract's 2 s. */
	const setFaults = async (rules: RuleInput[]) => {
		const res = await http.put<{ rules: FaultRule[] }>(`${api}/ops/faults`, { rules }, { token: admin });
		expect(res.status).toBe(200);
		const ms = await spread(res.body.rules);
		figures.push(`spread ${res.body.rules.map(r => r.target).join("+")} ${ms} ms`);
		expect(ms).toBeLessThan(SPREAD_MS);
		return res.body.rules;
	};
	const clearFaults = async () => {
		const res = await http.del(`${api}/ops/faults`, { token: admin });
		expect([res.status, res.body]).toEqual([200, { rules: [] }]);
		const ms = await spread([]);
		figures.push(`cleared ${ms} ms`);
		expect(ms).toBeLessThan(SPREAD_MS);
	};

	const available = async (productId: string) => ((await http.get(`${api}/inventory/${productId}`)).body as { available: number }).available;
	const fillCart = async (token: string) => expect((await http.post(`${api}/cart/items`, { productId: ITEM.id, quantity: 1 }, { token })).status).toBe(200);
	const checkout = async (token: string) => {
		const res = await http.post<Order>(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token, timeoutMs: 30_000 });
		if (res.status === 201) figures.push(`checkout 201 ${res.ms} ms`);
		return res;
	};
	const chargesOf = async (orderId: string) => (await http.get<unknown[]>(`${api}/payments?orderId=${orderId}`, { token: admin })).body;
	const latestOrder = async (token: string) => (await http.get<Order[]>(`${api}/orders`, { token })).body[0];

	/**
	 * A checkout while payments cannot charge: 503 with Retry-After, no stock held once answered.
	 * Returns the order, whose charges (none) are read once payments answers again.
	 */
	const expectRefusedCheckout = async (token: string) => {
		const before = await available(ITEM.id);
		const res: JsonResponse = await checkout(token);
		figures.push(`refused checkout ${res.ms} ms`);
		expect({ status: res.status, retryAfter: res.headers.get("retry-after"), type: res.body?.type }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/), type: "SERVICE_UNAVAILABLE" });
		expect(await available(ITEM.id)).toBe(before);
		const order = await latestOrder(token);
		expect(order.payment.status).not.toBe("charged");
		return order;
	};

	beforeAll(async () => {
		await cluster.start();
		const orders = { ORDERS_LEASE_MS: "5000", ORDERS_SWEEP_MS: "500", ORDERS_RELAY_RETRY_MS: "1000" };
		await Promise.all([
			cluster.startNode("gw", { services: ["api", "ops"] }),
			cluster.startNode("catalog", { services: ["products", "inventory", "currency", "recommendations", "users", "cart"] }),
			cluster.startNode("checkout", { services: ["orders", "shipping", "notifications"], env: orders }),
			cluster.startNode("payments", { services: ["payments"] }),
		]);
		api = `${cluster.url("gw")}/api`;
		await cluster.waitFor(async () => (await http.get(`${api}/health/ready`)).status === 200, 20_000, "the shop to be ready");
	}, 60_000);
	afterAll(async () => {
		process.stdout.write(`Fault rules, measured: ${figures.join("; ")}\n`);
		await cluster.stop();
	}, 30_000);
	afterEach(async () => {
		// A test that failed half-way leaves no rule behind for the next.
		await http.del(`${api}/ops/faults`, { token: admin });
		await expectBooksToBalance(cluster, api, admin, startingStock);
	}, 30_000);

	it("unavailable payments: checkout 503 with Retry-After, nothing charged, no stock held; off again, checkout 201", async () => {
		const token = shopper("unavailable");
		await fillCart(token);
		await setFaults([{ target: "payments", unavailable: true }]);
		expect((await http.get(`${api}/ops/faults`, { token: admin })).body.rules).toEqual([expect.objectContaining({ target: "payments", unavailable: true })]);
		const refused = await expectRefusedCheckout(token);

		await clearFaults();
		expect(await chargesOf(refused.id)).toEqual([]);
		const res = await checkout(token);
		expect([res.status, res.body.status, res.body.payment?.status]).toEqual([201, "confirmed", "charged"]);
	}, 30_000);

	it("errorRate 1 on payments.charge: the same promises, and payments' other actions still answer", async () => {
		const token = shopper("error-rate");
		await fillCart(token);
		await setFaults([{ target: "payments.charge", errorRate: 1 }]);
		const order = await expectRefusedCheckout(token);
		// The rule names one action: the admin's list of charges (payments.list) answers as usual.
		expect((await http.get(`${api}/payments`, { token: admin })).status).toBe(200);
		expect(await chargesOf(order.id)).toEqual([]);

		await clearFaults();
		expect((await checkout(token)).status).toBe(201);
	}, 30_000);

	it("errorRate 0.5 fails about half of the calls, each as the service being down", async () => {
		await setFaults([{ target: "payments.list", errorRate: 0.5 }]);
		const nodeID = cluster.node("payments").nodeID;
		const outcomes = await Promise.all(
			Array.from({ length: 60 }, () => cluster.observer.call("payments.list", {}, { nodeID, retries: 0 }).then(() => "ok", (err: { code?: number }) => `failed ${err.code}`)),
		);
		const failed = outcomes.filter(o => o !== "ok");
		figures.push(`errorRate 0.5: ${failed.length} of 60 refused`);
		// Binomial(60, 0.5) falls outside 10–50 about once in ten million runs.
		expect({ between10and50: failed.length >= 10 && failed.length <= 50, codes: [...new Set(failed)] }).toEqual({ between10and50: true, codes: ["failed 503"] });
		await clearFaults();
	}, 30_000);

	it("latency on payments.charge beyond the checkout's wait: 503, and the charge that lands late does not stick", async () => {
		const token = shopper("slow-charge");
		await fillCart(token);
		// Orders waits 3 s for a step (ORDERS_STEP_TIMEOUT_MS); the charge reaches payments' handler after 4.
		await setFaults([{ target: "payments.charge", latencyMs: 4_000 }]);
		const refused = await expectRefusedCheckout(token);
		expect(refused.status).toBe("failed");
		// The same charge sent again, under the same rule, reaches payments after the late one (sent 3 s
		// earlier) has run; the order's id was voided when the checkout was undone, so both are refused.
		const again = cluster.observer.call("payments.charge", { orderId: refused.id, amount: refused.total, currency: refused.currency, card: CARD }, { timeout: 15_000 });
		await expect(again).rejects.toMatchObject({ code: 409, type: "PAYMENT_VOIDED" });
		expect((await chargesOf(refused.id)).filter((c: any) => c.status === "charged")).toEqual([]);
		await clearFaults();
	}, 30_000);

	it("latency on currency and recommendations: the product page answers within its budget without them, a route that needs them is slower", async () => {
		const [currencyRule, recommendationsRule] = await setFaults([
			{ target: "currency", latencyMs: 2_000 },
			{ target: "recommendations", latencyMs: 2_000 },
		]);
		// Products waits 500 ms for a conversion, then shows base-currency prices (a product not read yet: not cached).
		const page = await http.get(`${api}/products/prod-0031?currency=EUR`);
		const price = SEED_PRODUCTS.find(p => p.id === "prod-0031")!.price;
		figures.push(`page without currency ${page.ms} ms`);
		expect({ status: page.status, currency: page.body.currency, price: page.body.price, withinBudget: page.ms < 1_000 }).toEqual({ status: 200, currency: "USD", price, withinBudget: true });
		// The route that is nothing but currency waits out its reads (1 s an attempt, one retry) and says so.
		const currencies = await http.get(`${api}/currencies`);
		figures.push(`GET /currencies ${currencies.status} after ${currencies.ms} ms`);
		expect({ status: currencies.status, retryAfter: currencies.headers.get("retry-after"), slower: currencies.ms >= 1_000 }).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/), slower: true });
		// Asked directly, with time to wait, currency answers after its delay.
		let started = Date.now();
		const converted = await cluster.observer.call("currency.convert", { from: "USD", to: "EUR", amounts: [price] }, { timeout: 10_000 });
		expect({ converted, slower: Date.now() - started >= currencyRule.latencyMs }).toEqual({ converted: expect.objectContaining({ currency: "EUR" }), slower: true });

		// The page's recommendations give up after 1 s and answer []; asked directly, they come after the delay.
		const recs = await http.get(`${api}/products/prod-0032/recommendations`);
		figures.push(`recommendations fallback ${recs.ms} ms`);
		expect({ status: recs.status, body: recs.body, withinBudget: recs.ms < recommendationsRule.latencyMs }).toEqual({ status: 200, body: [], withinBudget: true });
		started = Date.now();
		const direct = (await cluster.observer.call("recommendations.forProduct", { id: "prod-0032" }, { timeout: 10_000 })) as unknown[];
		expect({ found: direct.length > 0, slower: Date.now() - started >= recommendationsRule.latencyMs }).toEqual({ found: true, slower: true });

		await clearFaults();
		const full = await http.get(`${api}/products/prod-0033?currency=EUR`);
		expect([full.status, full.body.currency]).toEqual([200, "EUR"]);
		expect((await http.get(`${api}/currencies`)).status).toBe(200);
		expect((await http.get(`${api}/products/prod-0032/recommendations`)).body.length).toBeGreaterThan(0);
	}, 30_000);

	it("a rule with `until` lapses by itself", async () => {
		const token = shopper("until");
		await fillCart(token);
		const until = new Date(Date.now() + 5_000).toISOString();
		await setFaults([{ target: "payments", unavailable: true, until }]);
		const refused = await expectRefusedCheckout(token);

		// Nobody takes it back: payments answers again once `until` has passed, and ops lists no rule in force.
		const payments = cluster.node("payments").nodeID;
		const answers = () => cluster.observer.call("payments.list", {}, { nodeID: payments }).then(() => true, () => false);
		await cluster.waitFor(answers, 10_000, "the rule to lapse");
		figures.push(`lapsed ${Date.now() - Date.parse(until)} ms after until`);
		expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(until));
		expect((await http.get(`${api}/ops/faults`, { token: admin })).body.rules).toEqual([]);
		expect(await chargesOf(refused.id)).toEqual([]);
		expect((await checkout(token)).status).toBe(201);
		await clearFaults();
	}, 30_000);

	it("a rule on the gateway itself fails its own routes but never locks the operator out", async () => {
		await setFaults([{ target: "api", unavailable: true }]);
		// The gateway's own actions misbehave (the recommendations route is the gateway's)…
		expect((await http.get(`${api}/products/prod-0032/recommendations`)).status).toBe(503);
		// …while every other route, the ops view of the cluster and taking the rule back still answer.
		expect((await http.get(`${api}/products/prod-0032`)).status).toBe(200);
		expect((await http.get(`${api}/ops/cluster`, { token: admin })).status).toBe(200);
		await clearFaults();
		expect((await http.get(`${api}/products/prod-0032/recommendations`)).status).toBe(200);
	}, 30_000);

	it("a node that joins after a rule was set gets it in force", async () => {
		const token = shopper("late-node");
		await fillCart(token);
		const [rule] = await setFaults([{ target: "payments", unavailable: true }]);
		await cluster.startNode("payments2", { services: ["payments"] });
		const joinedAt = Date.now();
		await cluster.waitFor(async () => (await rulesOn("payments2")).some(r => r.id === rule.id), SPREAD_MS, "the new node to hold the rule");
		figures.push(`joiner held the rule ${Date.now() - joinedAt} ms after joining`);
		expect(Date.now() - joinedAt).toBeLessThan(SPREAD_MS);
		// Its calls fail too (a read, so that nothing could be charged if it did not).
		await expect(cluster.observer.call("payments.list", {}, { nodeID: cluster.node("payments2").nodeID })).rejects.toMatchObject({ code: 503 });
		const refused = await expectRefusedCheckout(token);

		await clearFaults();
		expect(await chargesOf(refused.id)).toEqual([]);
		expect((await cluster.observer.call("payments.list", {}, { nodeID: cluster.node("payments2").nodeID })) as unknown[]).toEqual([]);
		// It leaves before the books are audited: what it stores is not in the first node's list of charges.
		await cluster.stopNode("payments2");
		expect((await checkout(token)).status).toBe(201);
	}, 30_000);
});
