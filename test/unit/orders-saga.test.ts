// The checkout saga against test-local services that keep books like the real ones
// (idempotent per order id, a refund or release before the step voids it), and a real store.
import { Errors } from "moleculer";
import { call } from "../../lib/call";
import { createAdapter, ensureIndex, type Store } from "../../mixins/db.mixin";
import { ConflictError, OutOfStockError, PaymentDeclinedError, TooManyRequestsError } from "../../lib/errors";
import { draftOrder } from "../../services/orders/draft";
import type { OrderDoc } from "../../services/orders/model";
import { OutboxRelay } from "../../services/orders/outbox";
import { LeaseLostError, OrderRepo } from "../../services/orders/repo";
import { OrderSaga, attemptedTogether, type Invoke } from "../../services/orders/saga";
import { ShipmentFollower } from "../../services/orders/shipments";
import { waitFor } from "../support/poll";
import type { CardDetails } from "../../services/orders/orders.contract";

const GOOD: CardDetails = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" };
const DECLINED: CardDetails = { ...GOOD, cardNumber: "4000000000000002" };
const LEASE_MS = 10_000;
const quietLogger = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {} } as never;

/** Inventory, payments, shipping, notifications and cart, in memory, with the real services' promises. */
class FakeShop {
	stock = new Map<string, { available: number; reserved: number; sold: number }>([["p1", { available: 5, reserved: 0, sold: 0 }]]);
	reservations = new Map<string, { qty: number; state: "held" | "committed" | "released" }>();
	charges = new Map<string, { amount: number; status: "charged" | "declined" | "refunded" | "voided" }>();
	shipments = new Map<string, { status: "booked" | "shipped" | "cancelled" }>();
	notifications = new Map<string, number>();
	/** Every cart.removeOrdered call's key, in order. */
	cartRemovals: string[] = [];
	down = new Set<string>();
	/** action → the answer it refuses with: a 422 for a message it will never take, a 409 or 429 for now. */
	refuse = new Map<string, () => Error>();
	/** action → what the call waits on before acting (a slow service, a service going down meanwhile). */
	gates = new Map<string, () => unknown>();

	/** Calls as the services get them, through lib/call.ts's failure policy (ifDown), as in the service. */
	invoke: Invoke = (action, params, opts) => call({ call: (a: string, p: never) => this.handle(a, p), logger: quietLogger } as never, action, params, opts);

	/** What the services do with one call. */
	handle = async (action: string, params: Record<string, unknown>): Promise<unknown> => {
		const service = action.split(".")[0];
		if (this.down.has(service)) throw new Errors.ServiceNotAvailableError({ action, nodeID: "n" });
		const refusal = this.refuse.get(action);
		if (refusal) throw refusal();
		await this.gates.get(action)?.();
		const orderId = params.orderId as string;
		switch (action) {
			case "inventory.reserve": {
				if (this.reservations.has(orderId)) return { orderId };
				const qty = (params.lines as { quantity: number }[])[0].quantity;
				const s = this.stock.get("p1")!;
				if (s.available < qty) throw new OutOfStockError([{ productId: "p1", requested: qty, available: s.available }]);
				s.available -= qty;
				s.reserved += qty;
				this.reservations.set(orderId, { qty, state: "held" });
				return { orderId };
			}
			case "inventory.commit": {
				const r = this.reservations.get(orderId)!;
				if (r.state === "held") {
					const s = this.stock.get("p1")!;
					s.reserved -= r.qty;
					s.sold += r.qty;
					r.state = "committed";
				}
				return { orderId };
			}
			case "inventory.release": {
				const r = this.reservations.get(orderId);
				if (!r) this.reservations.set(orderId, { qty: 0, state: "released" });
				else if (r.state !== "released") {
					const s = this.stock.get("p1")!;
					s.available += r.qty;
					if (r.state === "held") s.reserved -= r.qty;
					else s.sold -= r.qty;
					r.state = "released";
				}
				return { orderId };
			}
			case "payments.charge": {
				const c = this.charges.get(orderId);
				if (c?.status === "voided") throw new ConflictError("voided", "PAYMENT_VOIDED");
				if (!c) this.charges.set(orderId, { amount: params.amount as number, status: (params.card as CardDetails).cardNumber === DECLINED.cardNumber ? "declined" : "charged" });
				const now = this.charges.get(orderId)!;
				if (now.status === "declined") throw new PaymentDeclinedError("card_declined");
				return { orderId, amount: now.amount, status: now.status };
			}
			case "payments.refund": {
				const c = this.charges.get(orderId);
				if (!c) this.charges.set(orderId, { amount: 0, status: "voided" });
				else if (c.status === "charged") c.status = "refunded";
				return c && c.status !== "voided" ? { orderId, amount: c.amount, status: c.status } : null;
			}
			case "shipping.create": {
				if (!this.shipments.has(orderId)) this.shipments.set(orderId, { status: "booked" });
				return { orderId, carrier: "UPS", trackingId: "1Z", status: this.shipments.get(orderId)!.status };
			}
			case "shipping.byOrders":
				return (params.orderIds as string[]).filter(id => this.shipments.has(id)).map(id => ({ orderId: id, status: this.shipments.get(id)!.status }));
			case "shipping.cancel": {
				const s = this.shipments.get(orderId);
				if (!s) return null;
				if (s.status === "shipped") throw new ConflictError("shipped", "SHIPMENT_ALREADY_SHIPPED");
				s.status = "cancelled";
				return { orderId, status: "cancelled" };
			}
			case "notifications.enqueue":
				this.notifications.set(params.key as string, (this.notifications.get(params.key as string) ?? 0) + 1);
				return {};
			case "cart.removeOrdered":
				this.cartRemovals.push(params.key as string);
				return { applied: true };
		}
		throw new Error(`FakeShop does not know ${action}`);
	};

	/** Money kept: charges less refunds. */
	kept(): number {
		return [...this.charges.values()].filter(c => c.status === "charged").reduce((sum, c) => sum + c.amount, 0);
	}
}

describe("checkout saga", () => {
	let store: Store<OrderDoc>;
	let shop: FakeShop;
	let clock: number;
	const now = () => clock;
	/** Every order.statusChanged the repo announced, as "<orderId>:<status>". */
	let announced: string[] = [];
	const announcer = { broadcast: (_event: string, p: { orderId: string; status: string }) => void announced.push(`${p.orderId}:${p.status}`) } as never;
	const instance = (owner: string) => {
		const repo = new OrderRepo(store, owner, LEASE_MS, now, announcer);
		return { repo, saga: new OrderSaga(repo, { stepTimeoutMs: 1_000, recheckMs: 60_000, settleWaitMs: 1_000 }, quietLogger) };
	};
	let seq = 0;
	async function pendingOrder(repo: OrderRepo, quantity = 2): Promise<OrderDoc> {
		const id = `order-${++seq}`;
		const doc = draftOrder({
			id,
			user: { id: "u1", email: "u1@example.com", role: "customer" },
			items: [{ productId: "p1", name: "P1", unitPrice: 1000, quantity, lineTotal: 1000 * quantity }],
			totals: { subtotal: 1000 * quantity, shippingCost: 500, total: 1000 * quantity + 500 },
			currency: "USD",
			shippingAddress: { name: "Ada", street: "1 Main", city: "X", postalCode: "1", country: "US" },
			cardNumber: GOOD.cardNumber,
			idemKey: `none|${id}`,
			idemHash: "",
			idemExpiresAt: clock + 1,
			lease: repo.lease(),
			now: new Date(clock).toISOString(),
		});
		await repo.insert(doc);
		return doc;
	}
	const stored = (id: string) => store.findOne({ _id: id }) as Promise<OrderDoc>;

	beforeEach(async () => {
		const adapter = createAdapter("orders-test", "orders") as unknown as Store<OrderDoc> & { connect(): Promise<void> };
		await adapter.connect();
		await ensureIndex(adapter, { fields: ["idemKey"], unique: true });
		store = adapter;
		announced = [];
		shop = new FakeShop();
		clock = Date.parse("2026-01-01T00:00:00Z");
	});

	it("confirms a good order with stock sold, money taken, shipment booked and the confirmation queued", async () => {
		const { repo, saga } = instance("a");
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		const saved = await stored(doc._id);
		expect(saved).toMatchObject({ status: "confirmed", open: false, payment: { status: "charged" }, shipment: { carrier: "UPS", status: "booked" } });
		expect(saved.outbox.map(m => m.key)).toEqual([`${doc._id}:order.confirmed`, `${doc._id}:cart.removeOrdered`]);
		expect(shop.stock.get("p1")).toEqual({ available: 3, reserved: 0, sold: 2 });
		expect(shop.kept()).toBe(2500);
		expect(announced).toEqual([`${doc._id}:confirmed`]); // announced by the store, once it is written
	});

	it("renews the lease before a step it would not outlast, though the step before wrote nothing", async () => {
		const { repo, saga } = instance("a");
		const sweeper = instance("b");
		const doc = await pendingOrder(repo);
		const invoke: typeof shop.invoke = async (action, params, opts) => {
			if (action === "inventory.reserve") clock += LEASE_MS - 500; // a slow hold, not written
			if (action === "payments.charge") {
				clock += 800; // past the first lease
				const seen = await stored(doc._id);
				// What the sweep does with an open order: take it over only once its lease ran out.
				expect(seen.lease.until >= clock || !(await sweeper.repo.claim(seen))).toBe(true);
			}
			return shop.invoke(action, params, opts);
		};
		await saga.forward(doc, invoke, GOOD);
		expect(await stored(doc._id)).toMatchObject({ status: "confirmed", payment: { status: "charged" } });
		expect(shop.kept()).toBe(2500);
	});

	it("answers a declined card with 402, gives the stock back and charges nothing", async () => {
		const { repo, saga } = instance("a");
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, shop.invoke, DECLINED)).rejects.toMatchObject({ code: 402 });
		expect(await stored(doc._id)).toMatchObject({ status: "failed", open: false, payment: { status: "declined" }, saga: { failure: { code: 402 } } });
		expect((await stored(doc._id)).cartLock).toBeUndefined(); // the shopper may try another card
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(shop.kept()).toBe(0);
	});

	it("answers out of stock with 409 and never asks payments", async () => {
		const { repo, saga } = instance("a");
		const doc = await pendingOrder(repo, 6);
		await expect(saga.forward(doc, shop.invoke, GOOD)).rejects.toMatchObject({ code: 409, type: "OUT_OF_STOCK" });
		expect(await stored(doc._id)).toMatchObject({ status: "failed", payment: { status: "none" } });
		expect(shop.charges.has(doc._id)).toBe(false);
	});

	it("refunds and releases when shipping is down, and frees the Idempotency-Key for a retry", async () => {
		const { repo, saga } = instance("a");
		shop.down.add("shipping");
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, shop.invoke, GOOD)).rejects.toMatchObject({ code: 503, data: { service: "shipping" } });
		const saved = await stored(doc._id);
		expect(saved).toMatchObject({ status: "failed", payment: { status: "refunded" }, idemKey: `retired|${doc._id}` });
		expect(saved.recheckAt).toBeUndefined(); // never sent: nothing can land late
		expect(shop.kept()).toBe(0);
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
	});

	it("also cancels a booking that timed out, and undoes once more later in case it landed late", async () => {
		const { repo, saga } = instance("a");
		shop.refuse.set("shipping.create", () => new Errors.RequestTimeoutError({ action: "shipping.create", nodeID: "n" }));
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, shop.invoke, GOOD)).rejects.toMatchObject({ code: 503 });
		shop.refuse.clear();
		const saved = await stored(doc._id);
		expect(saved).toMatchObject({ status: "failed", saga: { attempted: 3, uncertain: true } });
		expect(saved.recheckAt).toBe(clock + 60_000);

		shop.shipments.set(doc._id, { status: "booked" }); // the booking lands after all
		await saga.recheck(saved, shop.invoke);
		expect(shop.shipments.get(doc._id)?.status).toBe("cancelled");
		expect((await stored(doc._id)).recheckAt).toBeUndefined();
	});

	it("fails the checkout, money back and stock released, when shipping answers that the order's shipment was cancelled", async () => {
		const { repo, saga } = instance("a");
		const doc = await pendingOrder(repo);
		shop.shipments.set(doc._id, { status: "cancelled" }); // an undo of this order got to shipping first
		await expect(saga.forward(doc, shop.invoke, GOOD)).rejects.toMatchObject({ code: 409, type: "SHIPMENT_CANCELLED" });
		expect(await stored(doc._id)).toMatchObject({ status: "failed", open: false, payment: { status: "refunded" } });
		expect(shop.kept()).toBe(0);
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
	});

	it("keeps an order open when the undo itself cannot reach a service, and the sweep finishes it later", async () => {
		const { repo, saga } = instance("a");
		// Inventory goes down between the hold and the decline: the hold cannot be given back yet.
		shop.gates.set("payments.charge", () => shop.down.add("inventory"));
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, shop.invoke, DECLINED)).rejects.toMatchObject({ code: 402 });
		expect(await stored(doc._id)).toMatchObject({ status: "pending", open: true, saga: { phase: "compensating" } });
		expect(shop.stock.get("p1")).toMatchObject({ reserved: 2 });

		shop.down.clear();
		clock += LEASE_MS + 1;
		const b = instance("b");
		const [stale] = await b.repo.due(10);
		expect(await b.repo.claim(stale)).toBe(true);
		await b.saga.resume(stale, shop.invoke);
		expect(await stored(doc._id)).toMatchObject({ status: "failed", open: false, payment: { status: "declined" } });
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
	});

	it("lets exactly one of two instances take over an abandoned order", async () => {
		const { repo } = instance("dead");
		await pendingOrder(repo);
		clock += LEASE_MS + 1;
		const [b, c] = [instance("b"), instance("c")];
		const [seenByB] = await b.repo.due(10);
		const [seenByC] = await c.repo.due(10);
		const claims = await Promise.all([b.repo.claim(seenByB), c.repo.claim(seenByC)]);
		expect(claims.filter(Boolean)).toHaveLength(1);
	});

	it("stops an instance that lost its order to another from writing over it", async () => {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		clock += LEASE_MS + 1;
		const b = instance("b");
		expect(await b.repo.claim((await b.repo.due(10))[0])).toBe(true);
		await expect(a.repo.advance(doc, { "saga.done": 1 })).rejects.toBeInstanceOf(LeaseLostError);
	});

	it("stops a stalled run from writing once its own instance has claimed the order again (the fencing token)", async () => {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		clock += LEASE_MS + 1;
		const [stale] = await a.repo.due(10);
		expect(await a.repo.claim(stale)).toBe(true); // the same instance's sweep: same owner, a new sequence number
		await expect(a.repo.advance(doc, { "saga.done": 1 })).rejects.toBeInstanceOf(LeaseLostError);
		await a.repo.advance(stale, { "saga.done": 1 });
		expect(await stored(doc._id)).toMatchObject({ saga: { done: 1 }, lease: { owner: "a", seq: 2 } });
	});

	it("finishes an order whose instance died after the charge: confirmed, charged once", async () => {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		let release!: () => void;
		const booking = new Promise<void>(r => (release = r));
		shop.gates.set("shipping.create", () => booking);
		const dying = a.saga.forward(doc, shop.invoke, GOOD).catch(err => err); // hangs while booking
		await new Promise(r => setTimeout(r, 20));
		expect((await stored(doc._id)).saga.done).toBe(2);

		clock += LEASE_MS + 1;
		const b = instance("b");
		const [stale] = await b.repo.due(10);
		expect(await b.repo.claim(stale)).toBe(true);
		release(); // the old instance wakes up: its writes must fail on the lease, and undo nothing
		expect(await dying).toMatchObject({ code: 503, data: { service: "orders" } });
		shop.gates.clear();
		await b.saga.resume(stale, shop.invoke);

		expect(await stored(doc._id)).toMatchObject({ status: "confirmed", payment: { status: "charged" } });
		expect(shop.charges.size).toBe(1);
		expect(shop.kept()).toBe(2500);
		expect(shop.stock.get("p1")).toEqual({ available: 3, reserved: 0, sold: 2 });
	});

	it("confirms an order whose parcel left while no instance was looking after it, and then follows it to shipped", async () => {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		shop.gates.set("shipping.create", () => new Promise(() => {})); // booked, but the answer never comes back
		void a.saga.forward(doc, shop.invoke, GOOD).catch(() => undefined);
		await new Promise(r => setTimeout(r, 20));
		shop.gates.clear();
		shop.shipments.set(doc._id, { status: "shipped" });

		clock += LEASE_MS + 1;
		const b = instance("b");
		const [stale] = await b.repo.due(10);
		expect(await b.repo.claim(stale)).toBe(true);
		await b.saga.resume(stale, shop.invoke);
		expect(await stored(doc._id)).toMatchObject({ status: "confirmed", payment: { status: "charged" }, shipment: { status: "shipped" } });
		expect(shop.kept()).toBe(2500);

		const moved = await new ShipmentFollower(b.repo, quietLogger).reconcile(shop.invoke);
		expect(moved.map(o => [o._id, o.status])).toEqual([[doc._id, "shipped"]]);
	});

	it("undoes an order whose instance died during the charge, and a charge landing afterwards is not kept", async () => {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		let release!: () => void;
		const charging = new Promise<void>(r => (release = r));
		shop.gates.set("payments.charge", () => charging);
		const dying = a.saga.forward(doc, shop.invoke, GOOD).catch(err => err);
		await new Promise(r => setTimeout(r, 20));
		expect((await stored(doc._id)).saga.done).toBe(0); // the hold is not written on its own (saga.ts)

		clock += LEASE_MS + 1;
		shop.gates.delete("payments.charge");
		const b = instance("b");
		const [stale] = await b.repo.due(10);
		expect(await b.repo.claim(stale)).toBe(true);
		await b.saga.resume(stale, shop.invoke);
		expect(await stored(doc._id)).toMatchObject({ status: "failed", saga: { failure: { type: "CHECKOUT_INTERRUPTED" } } });

		release(); // the old charge request reaches payments only now
		await dying;
		expect(shop.kept()).toBe(0);
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect((await stored(doc._id)).status).toBe("failed");
	});

	/**
	 * Runs a checkout on instance "a" that dies once `action` is sent (`landed` says what of it
	 * took effect; no answer comes back, nothing more is written), and has "b" take it over.
	 * Resolves to the order as the dead run left it, and as "b" settled it.
	 */
	async function dieAt(action: string, landed: (orderId: string) => void): Promise<{ left: OrderDoc; order: OrderDoc }> {
		const a = instance("a");
		const doc = await pendingOrder(a.repo);
		let reached!: () => void;
		const atStep = new Promise<void>(r => (reached = r));
		shop.gates.set(action, () => {
			landed(doc._id);
			reached();
			return new Promise(() => {}); // the process is gone
		});
		void a.saga.forward(doc, shop.invoke, GOOD).catch(() => undefined);
		await atStep;
		const left = await stored(doc._id);
		shop.gates.clear();
		clock += LEASE_MS + 1;
		const b = instance("b");
		const [stale] = await b.repo.due(10);
		expect(await b.repo.claim(stale)).toBe(true);
		await b.saga.resume(stale, shop.invoke);
		return { left, order: await stored(doc._id) };
	}

	it("undoes an order cut off after the hold, before the charge was sent: stock back, and a charge sent later is refused", async () => {
		const { left, order } = await dieAt("payments.charge", () => undefined);
		expect(left.saga.done).toBe(0); // where the write of the hold used to be
		expect(order).toMatchObject({ status: "failed", open: false, saga: { done: 0, failure: { type: "CHECKOUT_INTERRUPTED" } } });
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(shop.charges.get(order._id)?.status).toBe("voided");
		await expect(shop.handle("payments.charge", { orderId: order._id, amount: order.total, card: GOOD })).rejects.toMatchObject({ code: 409 });
		expect(shop.kept()).toBe(0);
	});

	it("refunds an order cut off with the card charged but the charge not yet written: the books balance", async () => {
		const { left, order } = await dieAt("payments.charge", id => shop.charges.set(id, { amount: 2500, status: "charged" }));
		expect(left.saga.done).toBe(0);
		expect(order).toMatchObject({ status: "failed", open: false, payment: { status: "refunded" }, saga: { attempted: 2 } });
		expect(shop.charges.get(order._id)?.status).toBe("refunded");
		expect(shop.kept()).toBe(0); // charged − refunded = the confirmed orders' totals (none)
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(order.recheckAt).toBe(clock + 60_000); // and once more later, in case anything lands late
	});

	it("finishes an order cut off with the parcel booked but the booking not yet written: one booking, charged once", async () => {
		const { left, order } = await dieAt("inventory.commit", () => undefined);
		expect([left.saga.done, left.shipment]).toEqual([2, null]); // where the write of the booking used to be
		expect(order).toMatchObject({ status: "confirmed", open: false, payment: { status: "charged" }, shipment: { carrier: "UPS", trackingId: "1Z", status: "booked" } });
		expect(shop.shipments.size).toBe(1);
		expect(shop.kept()).toBe(order.total);
		expect(shop.stock.get("p1")).toEqual({ available: 3, reserved: 0, sold: 2 });
	});

	it("undoes an order cut off with the sale made beside a booking that is refused when resumed: the sale given back, nothing kept", async () => {
		// The run dies while booking; the sale beside it lands. Shipping refuses the booking when the order is resumed.
		const { left, order } = await dieAt("shipping.create", () => shop.refuse.set("shipping.create", () => new ConflictError("No carrier takes this parcel", "NO_CARRIER")));
		expect(left.saga.done).toBe(2);
		expect(order).toMatchObject({ status: "failed", open: false, payment: { status: "refunded" }, saga: { attempted: 2, failure: { type: "NO_CARRIER" } } });
		expect(shop.reservations.get(order._id)?.state).toBe("released");
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(shop.kept()).toBe(0);
	});

	it("finishes an order cut off after the sale, before the confirmation was written", async () => {
		const { order } = await dieAt("inventory.commit", id => {
			shop.reservations.get(id)!.state = "committed";
			Object.assign(shop.stock.get("p1")!, { reserved: 0, sold: 2 });
		});
		expect(order).toMatchObject({ status: "confirmed", payment: { status: "charged" }, shipment: { status: "booked" } });
		expect(shop.kept()).toBe(order.total);
		expect(shop.stock.get("p1")).toEqual({ available: 3, reserved: 0, sold: 2 });
	});

	it("undoes the booking too when the sale is refused after it: the order shows its shipment cancelled", async () => {
		const { repo, saga } = instance("a");
		shop.refuse.set("inventory.commit", () => new ConflictError("The reservation expired", "RESERVATION_EXPIRED"));
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, shop.invoke, GOOD)).rejects.toMatchObject({ code: 409 });
		expect(await stored(doc._id)).toMatchObject({ status: "failed", payment: { status: "refunded" }, shipment: { carrier: "UPS", status: "cancelled" } });
		expect(shop.shipments.get(doc._id)?.status).toBe("cancelled");
		expect(shop.kept()).toBe(0);
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
	});

	it("books the parcel and makes the sale at once: neither waits for the other's answer", async () => {
		const { repo, saga } = instance("a");
		let saleArrived!: () => void;
		const sale = new Promise<void>(r => (saleArrived = r));
		let overlapped = false;
		// The booking answers only once the sale has reached inventory (or after a second: then one waited).
		shop.gates.set("shipping.create", async () => {
			let timer: NodeJS.Timeout | undefined;
			overlapped = await Promise.race([sale.then(() => true), new Promise<boolean>(r => (timer = setTimeout(() => r(false), 1_000)))]);
			clearTimeout(timer);
		});
		shop.gates.set("inventory.commit", () => saleArrived());
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		expect(overlapped).toBe(true);
		expect(await stored(doc._id)).toMatchObject({ status: "confirmed", saga: { done: 4 }, shipment: { status: "booked" } });
		expect(shop.stock.get("p1")).toEqual({ available: 3, reserved: 0, sold: 2 });
	});

	it("gives back a sale made beside a refused booking only once the sale is done, and cancels no booking", async () => {
		const { repo, saga } = instance("a");
		let refused!: () => void;
		const bookingRefused = new Promise<void>(r => (refused = r));
		shop.refuse.set("shipping.create", () => {
			refused();
			return new ConflictError("No carrier takes this parcel", "NO_CARRIER");
		});
		shop.gates.set("inventory.commit", () => bookingRefused); // the sale lands after the refusal
		const settledCalls: string[] = [];
		const invoke: Invoke = (action, params, opts) => shop.invoke(action, params, opts).finally(() => settledCalls.push(action));
		const doc = await pendingOrder(repo);
		await expect(saga.forward(doc, invoke, GOOD)).rejects.toMatchObject({ code: 409, type: "NO_CARRIER" });
		// The release answered after the sale it gives back, never before it.
		expect(settledCalls.indexOf("inventory.commit")).toBeGreaterThan(-1);
		expect(settledCalls.indexOf("inventory.release")).toBeGreaterThan(settledCalls.indexOf("inventory.commit"));
		expect(settledCalls).not.toContain("shipping.cancel");
		expect(await stored(doc._id)).toMatchObject({ status: "failed", open: false, payment: { status: "refunded" }, saga: { attempted: 2 } });
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(shop.kept()).toBe(0);
	});

	it("counts what steps sent together may have done: each one's undo, from the first step that has it", () => {
		const done = { status: "fulfilled", value: {} } as const;
		const refused = { status: "rejected", reason: new ConflictError("no", "NO") } as const;
		const timedOut = { status: "rejected", reason: new Errors.RequestTimeoutError({ action: "x", nodeID: "n" }) } as const;
		// From step 2 (book, commit): the sale alone is undone by the hold's release (step 1).
		expect(attemptedTogether(2, [refused, done])).toEqual({ attempted: 2, uncertain: false });
		expect(attemptedTogether(2, [done, refused])).toEqual({ attempted: 3, uncertain: false });
		expect(attemptedTogether(2, [timedOut, done])).toEqual({ attempted: 3, uncertain: true });
		expect(attemptedTogether(2, [refused, timedOut])).toEqual({ attempted: 2, uncertain: true });
		// One step alone, as attemptedSteps counts it.
		expect(attemptedTogether(1, [refused])).toEqual({ attempted: 1, uncertain: false });
		expect(attemptedTogether(1, [timedOut])).toEqual({ attempted: 2, uncertain: true });
	});

	it("cancels a confirmed order: shipment cancelled, money back, stock back, the shopper told", async () => {
		const { repo, saga } = instance("a");
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		const cancelled = await saga.cancel(doc, shop.invoke);
		expect(cancelled).toMatchObject({ status: "cancelled", open: false, payment: { status: "refunded" }, shipment: { status: "cancelled" } });
		expect(cancelled.outbox.map(m => m.key)).toContain(`${doc._id}:order.cancelled`);
		expect(shop.kept()).toBe(0);
		expect(shop.stock.get("p1")).toEqual({ available: 5, reserved: 0, sold: 0 });
		expect(announced).toEqual([`${doc._id}:confirmed`, `${doc._id}:cancelled`]);
		// A second cancel is harmless.
		expect((await saga.cancel(await stored(doc._id), shop.invoke)).status).toBe("cancelled");
	});

	it("refuses to cancel once the parcel has shipped, and changes nothing", async () => {
		const { repo, saga } = instance("a");
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		shop.shipments.get(doc._id)!.status = "shipped";
		await expect(saga.cancel(doc, shop.invoke)).rejects.toMatchObject({ code: 409, type: "ALREADY_SHIPPED" });
		expect(await stored(doc._id)).toMatchObject({ status: "confirmed", open: false, payment: { status: "charged" } });
		expect(shop.kept()).toBe(2500);
	});

	it("relays the outbox once notifications is back, and each message exactly once", async () => {
		const { repo, saga } = instance("a");
		const relay = new OutboxRelay(repo, 1_000, 5_000, quietLogger);
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		expect(await repo.due(10)).toEqual([expect.objectContaining({ _id: doc._id })]); // a message waits
		expect((await stored(doc._id)).cartLock).toBe("u1"); // the cart is the order's until its lines have left it
		shop.down.add("notifications");
		expect(await relay.relay(doc, shop.invoke)).toBe(false);
		expect(shop.cartRemovals).toEqual([`${doc._id}:cart.removeOrdered`]);
		expect((await stored(doc._id)).cartLock).toBeUndefined();
		expect(await stored(doc._id)).toMatchObject({ outboxDue: true, outboxSent: [`${doc._id}:cart.removeOrdered`], sweepAt: clock + 5_000 });
		expect(await repo.due(10)).toEqual([]); // tried again later, not at every sweep
		clock += 5_000;

		shop.down.clear();
		await relay.relay(await stored(doc._id), shop.invoke);
		await relay.relay(await stored(doc._id), shop.invoke);
		expect(shop.notifications.get(`${doc._id}:order.confirmed`)).toBe(1);
		expect(shop.cartRemovals).toHaveLength(1);
		expect(await stored(doc._id)).toMatchObject({ outboxDue: false });
		expect((await stored(doc._id)).sweepAt).toBeUndefined(); // nothing left: off the sweep's list
		expect(await repo.due(10)).toEqual([]);
	});

	/** The store as one orders process uses it: its writes counted, and none landing once it has died. */
	function processStore(): { store: Store<OrderDoc>; writes: () => number; die: () => void } {
		let writes = 0;
		let dead = false;
		const proxy = new Proxy(store, {
			get(target, name) {
				const value = Reflect.get(target, name) as unknown;
				if (typeof value !== "function") return value;
				return (...args: unknown[]) => {
					if (dead) return new Promise(() => undefined);
					if (name === "updateMany") writes++;
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			},
		});
		return { store: proxy, writes: () => writes, die: () => (dead = true) };
	}

	it("records the delivered messages and frees the cart in one write", async () => {
		const { repo, saga } = instance("a");
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		const p = processStore();
		const relay = new OutboxRelay(new OrderRepo(p.store, "a", LEASE_MS, now, announcer), 1_000, 5_000, quietLogger);
		expect(await relay.relay(doc, shop.invoke)).toBe(true);
		expect(p.writes()).toBe(1);
		const saved = await stored(doc._id);
		expect(saved).toMatchObject({ outboxDue: false, outboxSent: [`${doc._id}:order.confirmed`, `${doc._id}:cart.removeOrdered`] });
		expect(saved.cartLock).toBeUndefined();
		expect(saved.sweepAt).toBeUndefined();
	});

	it("frees the cart at once when the confirmation is slow to be acknowledged", async () => {
		const { repo, saga } = instance("a");
		const relay = new OutboxRelay(repo, 10_000, 5_000, quietLogger);
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		let answer!: () => void;
		shop.gates.set("notifications.enqueue", () => new Promise<void>(r => (answer = r)));
		const relaying = relay.relay(doc, shop.invoke);
		await waitFor(() => stored(doc._id), o => o.cartLock === undefined, { what: "the cart to be freed" });
		expect(shop.notifications.size).toBe(0); // the confirmation is still on its way
		answer();
		expect(await relaying).toBe(true);
		expect(await stored(doc._id)).toMatchObject({ outboxDue: false, outboxSent: [`${doc._id}:cart.removeOrdered`, `${doc._id}:order.confirmed`] });
	});

	it("frees the cart through the sweep when orders dies after the cart let go of the lines, before it wrote anything", async () => {
		const { repo, saga } = instance("a");
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		const p = processStore();
		const dying = new OutboxRelay(new OrderRepo(p.store, "a", LEASE_MS, now, announcer), 1_000, 5_000, quietLogger);
		shop.gates.set("notifications.enqueue", () => {
			p.die(); // nothing this process writes from here on lands
			return new Promise(() => undefined);
		});
		void dying.relay(doc, shop.invoke);
		await waitFor(() => shop.cartRemovals.length, n => n === 1, { what: "the cart to take the lines out" });
		const left = await stored(doc._id);
		expect([left.cartLock, left.outboxSent, left.outboxDue]).toEqual(["u1", [], true]); // where the cart's own write used to be
		shop.gates.clear();

		const b = instance("b");
		const [due] = await b.repo.due(10);
		expect(due._id).toBe(doc._id);
		expect(await new OutboxRelay(b.repo, 1_000, 5_000, quietLogger).relay(due, shop.invoke)).toBe(true);
		const saved = await stored(doc._id);
		expect(saved.cartLock).toBeUndefined();
		expect(saved).toMatchObject({ outboxDue: false });
		// Sent twice under one key (the cart applies a key once), the confirmation once.
		expect(shop.cartRemovals).toEqual([`${doc._id}:cart.removeOrdered`, `${doc._id}:cart.removeOrdered`]);
		expect(shop.notifications.get(`${doc._id}:order.confirmed`)).toBe(1);
	});

	it("gives up on a message its receiver refuses (422), so it cannot hold up the others", async () => {
		const { repo, saga } = instance("a");
		const relay = new OutboxRelay(repo, 1_000, 5_000, quietLogger);
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		shop.refuse.set("notifications.enqueue", () => new Errors.ValidationError("refused", "VALIDATION_ERROR", []));
		expect(await relay.relay(doc, shop.invoke)).toBe(true);
		expect(await store.count({ query: { outboxDue: true } })).toBe(0);
		expect(await repo.due(10)).toEqual([]);
	});

	it.each([
		["a cart busy with other writes (409)", () => new ConflictError("busy", "CART_BUSY")],
		["a receiver that says too many requests (429)", () => new TooManyRequestsError(1)],
	])("keeps a message refused by %s and delivers it later", async (_, refusal) => {
		const { repo, saga } = instance("a");
		const relay = new OutboxRelay(repo, 1_000, 5_000, quietLogger);
		const doc = await saga.forward(await pendingOrder(repo), shop.invoke, GOOD);
		shop.refuse.set("cart.removeOrdered", refusal);
		shop.refuse.set("notifications.enqueue", refusal);
		expect(await relay.relay(doc, shop.invoke)).toBe(false);
		expect(await stored(doc._id)).toMatchObject({ outboxDue: true, outboxSent: [] });

		shop.refuse.clear();
		clock += 5_000;
		expect(await relay.relay(await stored(doc._id), shop.invoke)).toBe(true);
		expect(shop.cartRemovals).toEqual([`${doc._id}:cart.removeOrdered`]);
		expect(shop.notifications.get(`${doc._id}:order.confirmed`)).toBe(1);
	});
});
