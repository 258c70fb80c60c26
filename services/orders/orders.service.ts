// services/orders.service.ts — checkout as a saga over inventory, payments and shipping, and
// the shopper's orders. The saga itself lives in lib/orders/; this file wires it to requests,
// events and a background sweep that finishes whatever a dead instance left half done.
import crypto from "node:crypto";
import type { ServiceBroker, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { call, type ParamsOf, type ResultOf } from "../../lib/call";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, invalidField } from "../../lib/errors";
import { checkedCard } from "./card";
import { draftOrder } from "./draft";
import { MAX_KEY_LENGTH, hashBody, idempotencyKeyOf, retiredKey, sameBody } from "./idempotency";
import type { OrderDoc } from "./model";
import { OutboxRelay } from "./outbox";
import { mergeLines, priceItems, totals, type Totals } from "./pricing";
import { OrderRepo } from "./repo";
import { OrderSaga, replayError, type Invoke } from "./saga";
import { ordersTuning, type OrdersTuning } from "./settings";
import { ShipmentFollower } from "./shipments";
import { toOrder } from "./view";
import { within } from "../../lib/time";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import type { Events } from "../../lib/events";
import type { AuthUser, ShopContext } from "../../lib/meta";
import type { Order, OrderItem } from "./orders.contract";
import { emit } from "../../lib/emit";

type OrdersSettings = ServiceSettingSchema & OrdersTuning;

interface OrdersVars {
	adapter: Store<OrderDoc>;
	repo: OrderRepo;
	saga: OrderSaga;
	outbox: OutboxRelay;
	shipments: ShipmentFollower;
	sweepTimer: NodeJS.Timeout | null;
	kickTimer: NodeJS.Timeout | null;
	sweeping: Promise<void> | null;
	nextReconcileAt: number;
	stopping: boolean;
}

interface OrdersMethods {
	now(): number;
	invoker(caller: ShopContext | ServiceBroker): Invoke;
	caller(ctx: ShopContext): AuthUser;
	visibleOrder(ctx: ShopContext, id: string): Promise<OrderDoc>;
	priceCart(ctx: ShopContext, userId: string, country: string): Promise<{ items: OrderItem[]; totals: Totals }>;
	replay(ctx: ShopContext<ParamsOf<"orders.checkout">>, idemKey: string): Promise<Order | null>;
	answerCreated(ctx: ShopContext, doc: OrderDoc): Order;
	statusChanged(doc: OrderDoc): void;
	relayQuietly(doc: OrderDoc, invoke: Invoke): Promise<void>;
	attend(doc: OrderDoc, invoke: Invoke): Promise<void>;
	sweep(): Promise<void>;
	kick(): void;
}

const ADDRESS = {
	type: "object",
	strict: true,
	props: {
		name: "string|trim|min:1|max:100",
		street: "string|trim|min:1|max:200",
		city: "string|trim|min:1|max:100",
		postalCode: "string|trim|min:1|max:20",
		country: { type: "string", trim: true, uppercase: true, length: 2, alpha: true, messages: { stringLength: "A country is its ISO 3166-1 two-letter code, e.g. US" } },
	},
};

const CARD = {
	type: "object",
	strict: true,
	props: {
		cardNumber: { type: "string", pattern: /^[\d -]{12,23}$/, messages: { stringPattern: "The card number must be 12 to 19 digits" } },
		expMonth: "number|integer|min:1|max:12",
		expYear: "number|integer|min:2000|max:2100",
		cvc: { type: "string", pattern: /^\d{3,4}$/, messages: { stringPattern: "The cvc must be 3 or 4 digits" } },
	},
};

const OrdersService: ServiceSchema<OrdersSettings, OrdersMethods, OrdersVars> = {
	name: "orders",
	mixins: [
		DbMixin("orders", {
			indexes: [
				{ fields: ["idemKey"], unique: true },
				{ fields: ["userId"] },
				{ fields: ["createdAt"] },
				// Not open, outboxDue or status: NeDB keeps every document of one value in one list,
				// and an index on a field most orders share costs a scan of that list on every write.
				{ fields: ["sweepAt"], sparse: true },
			],
		}),
	],
	settings: ordersTuning(),

	actions: {
		/** POST /api/checkout: the caller's cart becomes a confirmed order, or nothing changes. */
		checkout: {
			auth: "user",
			// The gateway waits for the whole chain; each call inside keeps its own short timeout.
			timeout: 30_000,
			params: { $$strict: true, shippingAddress: ADDRESS, payment: CARD },
			async handler(ctx: ShopContext<ParamsOf<"orders.checkout">>): Promise<ResultOf<"orders.checkout">> {
				const user = this.caller(ctx);
				const card = checkedCard(ctx.params.payment);
				const header = ctx.meta.idempotencyKey ?? null;
				if (header !== null && (header.length === 0 || header.length > MAX_KEY_LENGTH))
					throw invalidField("Idempotency-Key", `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} characters`);
				const id = crypto.randomUUID();
				const idemKey = idempotencyKeyOf(user.id, header, id);
				if (header) {
					const replayed = await this.replay(ctx, idemKey);
					if (replayed) return replayed;
				}

				const { items, totals } = await this.priceCart(ctx, user.id, ctx.params.shippingAddress.country);
				const now = this.now();
				const doc = draftOrder({
					id,
					user,
					items,
					totals,
					currency: this.settings.baseCurrency,
					shippingAddress: ctx.params.shippingAddress,
					cardNumber: card.cardNumber,
					idemKey,
					// Of the address and the card's last 4 and expiry only: never the number or cvc (see idempotency.ts).
					idemHash: header ? hashBody(ctx.params) : "",
					idemExpiresAt: now + this.settings.idempotencyTtlMs,
					lease: { owner: this.repo.owner, until: now + this.settings.leaseMs },
					now: new Date(now).toISOString(),
				});
				if (!(await this.repo.insert(doc))) {
					// Another request with the same key got there first.
					const replayed = await this.replay(ctx, idemKey);
					if (replayed) return replayed;
					throw new ConflictError("A checkout with this Idempotency-Key is in progress", "IDEMPOTENCY_KEY_IN_USE");
				}

				const invoke = this.invoker(ctx);
				await this.saga.forward(doc, invoke, card);
				await within(this.relayQuietly(doc, invoke), this.settings.settleWaitMs);
				return this.answerCreated(ctx, doc);
			},
		},

		/** GET /api/orders: the caller's orders, newest first; `?all=true` for admins: everyone's. */
		list: {
			auth: "user",
			params: { $$strict: true, all: { type: "boolean", optional: true, convert: true } },
			async handler(ctx: ShopContext<ParamsOf<"orders.list">>): Promise<ResultOf<"orders.list">> {
				const user = this.caller(ctx);
				if (ctx.params.all && user.role !== "admin") throw new ForbiddenError("Only admins can list every order");
				const query = ctx.params.all ? {} : { userId: user.id };
				return (await this.adapter.find({ query, sort: ["-createdAt"] })).map(toOrder);
			},
		},

		/** GET /api/orders/:id: 404 for anyone else's order (admins see all). */
		get: {
			auth: "user",
			params: { $$strict: true, id: "string|min:1|max:64" },
			async handler(ctx: ShopContext<ParamsOf<"orders.get">>): Promise<ResultOf<"orders.get">> {
				return toOrder(await this.visibleOrder(ctx, ctx.params.id));
			},
		},

		/** POST /api/orders/:id/cancel: shipment cancelled, money refunded, stock back; 409 once shipped. */
		cancel: {
			auth: "user",
			timeout: 20_000,
			params: { $$strict: true, id: "string|min:1|max:64" },
			async handler(ctx: ShopContext<ParamsOf<"orders.cancel">>): Promise<ResultOf<"orders.cancel">> {
				const doc = await this.visibleOrder(ctx, ctx.params.id);
				const invoke = this.invoker(ctx);
				const cancelled = await this.saga.cancel(doc, invoke);
				await within(this.relayQuietly(cancelled, invoke), this.settings.settleWaitMs);
				return toOrder(cancelled);
			},
		},
	},

	events: {
		/** Shipping moved a shipment on: the order follows, and the shopper hears of it. */
		"shipping.statusChanged": {
			async handler(ctx: ShopContext<Events["shipping.statusChanged"]>) {
				const doc = await this.shipments.follow(ctx.params.orderId, ctx.params.status);
				if (!doc) return;
				this.statusChanged(doc);
				await this.relayQuietly(doc, this.invoker(this.broker));
			},
		},

		/** A service came or went: a returning notifications or payments may have work waiting. */
		"$services.changed"() {
			this.kick();
		},
	},

	methods: {
		/** The clock; tests override it with a mixin. */
		now(): number {
			return Date.now();
		},

		invoker(caller: ShopContext | ServiceBroker): Invoke {
			return (action, params, opts) => call(caller, action, params, opts);
		},

		caller(ctx: ShopContext): AuthUser {
			if (!ctx.meta.user) throw new UnauthorizedError();
			return ctx.meta.user;
		},

		async visibleOrder(ctx: ShopContext, id: string): Promise<OrderDoc> {
			const user = this.caller(ctx);
			const doc = await this.repo.byId(id);
			// Someone else's order is "not found": its existence is not the caller's business.
			if (!doc || (doc.userId !== user.id && user.role !== "admin")) throw new NotFoundError("Order", { id });
			return doc;
		},

		/** The cart's lines priced by the catalog, and shipping by the quote: nothing from the client. */
		async priceCart(ctx: ShopContext, userId: string, country: string): Promise<{ items: OrderItem[]; totals: Totals }> {
			const { baseCurrency } = this.settings;
			// No retries inside a request: a service that is down must cost one timeout, not three.
			const opts = { timeout: this.settings.stepTimeoutMs, retries: 0, ifDown: "fail" as const };
			const lines = mergeLines(await call(ctx, "cart.lines", { userId }, opts));
			if (!lines.length) throw invalidField("cart", "Your cart is empty");
			const [products, quote] = await Promise.all([
				call(ctx, "products.getMany", { ids: lines.map(l => l.productId) }, opts),
				call(ctx, "shipping.quote", { country, items: lines }, opts),
			]);
			if (quote.currency !== baseCurrency) throw new Error(`Shipping quoted in ${quote.currency}, not ${baseCurrency}`);
			const items = priceItems(lines, products, baseCurrency);
			return { items, totals: totals(items, quote.cost) };
		},

		/**
		 * The answer to a checkout whose Idempotency-Key was used before: the same order (201), the
		 * same failure, 409 while the first is still running, 422 for a different body under the key.
		 */
		async replay(ctx: ShopContext<ParamsOf<"orders.checkout">>, idemKey: string): Promise<Order | null> {
			const doc = await this.repo.byIdemKey(idemKey);
			if (!doc) return null;
			if (doc.idemExpiresAt <= this.now()) {
				await this.adapter.updateMany({ _id: doc._id, idemKey }, { $set: { idemKey: retiredKey(doc._id) } });
				return null;
			}
			if (!sameBody(doc.idemHash, ctx.params)) throw invalidField("Idempotency-Key", "This Idempotency-Key was already used for a different checkout");
			if (doc.status === "pending") throw new ConflictError("A checkout with this Idempotency-Key is still in progress", "IDEMPOTENCY_KEY_IN_USE");
			if (doc.status === "failed" && doc.saga.failure) throw replayError(doc.saga.failure);
			return this.answerCreated(ctx, doc);
		},

		/** 201 with the order's address, for a new order and for its replays alike. */
		answerCreated(ctx: ShopContext, doc: OrderDoc): Order {
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/orders/${doc._id}`;
			return toOrder(doc);
		},

		statusChanged(doc: OrderDoc): void {
			void emit(this.broker, "order.statusChanged", { orderId: doc._id, userId: doc.userId, status: doc.status, at: doc.updatedAt });
		},

		/** Delivers the order's new messages now if it can; the sweep retries whatever is left. */
		async relayQuietly(doc: OrderDoc, invoke: Invoke): Promise<void> {
			await this.outbox.relay(doc, invoke).catch(err => this.logger.warn(`Order ${doc._id}: outbox relay failed:`, (err as Error).message));
		},

		/**
		 * Finishes what is unfinished: orders whose runner died (lease run out), failed checkouts to
		 * undo once more, messages not yet delivered, and shipments that moved while we were away.
		 */
		async sweep(): Promise<void> {
			if (this.stopping) return;
			if (this.sweeping) return this.sweeping;
			const invoke = this.invoker(this.broker);
			const warn = (what: string) => (err: Error) => this.logger.warn(`Sweep: ${what} failed:`, err.message);
			this.sweeping = (async () => {
				// Orders are independent of each other: side by side, so one slow service costs one wait.
				const due = await this.repo.due(50).catch(() => []);
				await Promise.all(due.map(doc => this.attend(doc, invoke).catch(warn(`looking after order ${doc._id}`))));
				if (this.now() >= this.nextReconcileAt) {
					const moved = await this.shipments.reconcile(invoke).catch(err => (warn("shipment reconcile")(err), null));
					if (moved) {
						this.nextReconcileAt = this.now() + this.settings.reconcileIntervalMs;
						for (const doc of moved) this.statusChanged(doc);
						await Promise.all(moved.map(doc => this.relayQuietly(doc, invoke)));
					}
				}
			})().finally(() => {
				this.sweeping = null;
			});
			return this.sweeping;
		},

		/** Whatever one order needs from the sweep (see OrderDoc.sweepAt). */
		async attend(doc: OrderDoc, invoke: Invoke): Promise<void> {
			const now = this.now();
			if (doc.open) {
				if (doc.lease.until >= now || !(await this.repo.claim(doc))) return;
				this.logger.info(`Recovering order ${doc._id} (${doc.saga.phase}, ${doc.saga.done} steps done)`);
				await this.saga.resume(doc, invoke);
			}
			if (doc.outboxDue) await this.outbox.relay(doc, invoke);
			if (doc.recheckAt !== undefined && doc.recheckAt <= now) await this.saga.recheck(doc, invoke);
		},

		/** A sweep soon, coalescing bursts of registry changes into one. */
		kick(): void {
			if (this.kickTimer || !this.repo || this.stopping) return;
			this.kickTimer = setTimeout(() => {
				this.kickTimer = null;
				void this.sweep();
			}, 250);
		},
	},

	started() {
		const owner = `${this.broker.nodeID}:${crypto.randomUUID().slice(0, 8)}`;
		const now = () => this.now();
		this.repo = new OrderRepo(this.adapter, owner, this.settings.leaseMs, now);
		this.saga = new OrderSaga(this.repo, this.settings, { statusChanged: doc => this.statusChanged(doc) }, this.logger);
		this.outbox = new OutboxRelay(this.adapter, this.settings.relayTimeoutMs, this.settings.relayRetryMs, now, this.logger);
		this.shipments = new ShipmentFollower(this.adapter, now, this.logger);
		this.nextReconcileAt = 0;
		this.stopping = false;
		this.sweeping = null;
		this.kickTimer = null;
		this.sweepTimer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
		this.kick();
	},

	async stopped() {
		this.stopping = true;
		if (this.sweepTimer) clearInterval(this.sweepTimer);
		if (this.kickTimer) clearTimeout(this.kickTimer);
		this.sweepTimer = this.kickTimer = null;
		await this.sweeping;
	},
};

export default OrdersService;
