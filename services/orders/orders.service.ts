// services/orders/orders.service.ts — checkout as a saga over inventory, payments and shipping,
// and the shopper's orders. Follow a checkout in checkout.ts (price → draft → saga → relay);
// the saga's steps are a table in saga.ts; repo.ts is the only writer of orders. A background
// sweep finishes whatever a dead (or stalled) run left half done.
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { implement } from "../../lib/contract";
import type { Events } from "../../lib/events";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../../lib/errors";
import type { AuthUser, ShopContext } from "../../lib/meta";
import { within } from "../../lib/time";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { DbMixin, type Store } from "../../mixins/db.mixin";
import { PeriodicWork, type PeriodicState } from "../../mixins/periodic-work.mixin";
import { checkout, invokerOf, relayQuietly } from "./checkout";
import type { OrderDoc } from "./model";
import { listFilter } from "./list-query";
import { DEFAULT_PAGE_SIZE, OrdersContract } from "./orders.contract";
import { OutboxRelay } from "./outbox";
import { OrderRepo } from "./repo";
import { OrderSaga, type Invoke } from "./saga";
import { ordersTuning, type OrdersTuning } from "./settings";
import { ShipmentFollower } from "./shipments";
import { toAdminOrder, toOrder } from "./view";

interface OrdersVars {
	adapter: Store<OrderDoc>;
	repo: OrderRepo;
	saga: OrderSaga;
	outbox: OutboxRelay;
	shipments: ShipmentFollower;
	nextReconcileAt: number;
	periodic: Record<string, PeriodicState>;
}

interface OrdersMethods extends ClockMethods {
	caller(ctx: ShopContext): AuthUser;
	visibleOrder(ctx: ShopContext, id: string): Promise<OrderDoc>;
	sweep(): Promise<void>;
	attend(doc: OrderDoc, invoke: Invoke): Promise<void>;
	reconcile(invoke: Invoke): Promise<void>;
}

type OrdersSettings = ServiceSettingSchema & OrdersTuning;
type OrdersThis = Service<OrdersSettings> & OrdersMethods & OrdersVars;

/** How many due orders one sweep looks after, side by side. */
const SWEEP_BATCH = 50;

const OrdersService: ServiceSchema<OrdersSettings, OrdersMethods, OrdersVars> = {
	name: OrdersContract.name,
	mixins: [
		DbMixin("orders", {
			indexes: [
				{ fields: ["idemKey"], unique: true },
				{ fields: ["cartLock"], unique: true, sparse: true },
				{ fields: ["userId"] },
				// The admin's search by buyer: one short list per buyer, like userId's.
				{ fields: ["email"] },
				// Lists are sorted by it, never filtered: no index on NeDB, one write's work less.
				{ fields: ["createdAt"], sortOnly: true },
				// Not open, outboxDue or status: NeDB keeps every document of one value in one list,
				// and an index on a field most orders share costs a scan of that list on every write.
				{ fields: ["sweepAt"], sparse: true },
			],
		}),
		Clock,
		PeriodicWork<OrdersSettings>({ name: "sweep", every: s => s.sweepIntervalMs, run: "sweep" }),
	],
	settings: ordersTuning(),

	actions: implement<OrdersThis>()(OrdersContract, {
		checkout: {
			auth: "user",
			// The gateway waits for the whole chain; each call inside keeps its own short timeout.
			timeout: 30_000,
			handler(ctx) {
				return checkout(ctx, this.caller(ctx), this);
			},
		},

		list: {
			auth: "user",
			async handler(ctx) {
				const user = this.caller(ctx);
				const { all, page = 1 } = ctx.params;
				if (all && user.role !== "admin") throw new ForbiddenError("Only admins can list every order");
				// Everyone's orders come a page at a time; a shopper's own, all at once unless asked for a page.
				const pageSize = ctx.params.pageSize ?? (all || ctx.params.page ? DEFAULT_PAGE_SIZE : undefined);
				const offset = pageSize ? (page - 1) * pageSize : 0;
				const { rows, total } = await this.repo.page(listFilter(all ? undefined : user.id, ctx.params), offset, pageSize);
				ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "X-Total-Count": String(total) };
				return all ? rows.map(toAdminOrder) : rows.map(doc => toOrder(doc));
			},
		},

		get: {
			auth: "user",
			async handler(ctx) {
				const doc = await this.visibleOrder(ctx, ctx.params.id);
				return ctx.meta.user?.role === "admin" ? toAdminOrder(doc) : toOrder(doc);
			},
		},

		cancel: {
			auth: "user",
			timeout: 20_000,
			async handler(ctx) {
				const doc = await this.visibleOrder(ctx, ctx.params.id);
				const invoke = invokerOf(ctx);
				const cancelled = await this.saga.cancel(doc, invoke);
				await within(relayQuietly(cancelled, invoke, this), this.settings.settleWaitMs);
				return toOrder(cancelled);
			},
		},
	}),

	events: {
		/** Shipping moved a shipment on: the order follows, and the shopper hears of it. */
		"shipping.statusChanged": {
			async handler(ctx: ShopContext<Events["shipping.statusChanged"]>) {
				const doc = await this.shipments.follow(ctx.params.orderId, ctx.params.status);
				if (doc) await relayQuietly(doc, invokerOf(this.broker), this);
			},
		},

		/** A service came or went: a returning notifications or payments may have work waiting. */
		"$services.changed"() {
			this.periodic?.sweep?.kick();
		},
	},

	methods: {
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

		/**
		 * Finishes what is unfinished: orders whose run died or stalled (lease run out), failed
		 * checkouts to undo once more, messages not yet delivered, and shipments that moved while
		 * we were away. Orders are independent: side by side, so one slow service costs one wait.
		 */
		async sweep(): Promise<void> {
			const invoke = invokerOf(this.broker);
			const due = await this.repo.due(SWEEP_BATCH).catch(() => []);
			await Promise.all(due.map(doc => this.attend(doc, invoke).catch(err => this.logger.warn(`Sweep: looking after order ${doc._id} failed:`, (err as Error).message))));
			if (this.now() >= this.nextReconcileAt) await this.reconcile(invoke);
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

		/** Asks shipping where every order in transit is: a backstop for events sent while no instance listened. */
		async reconcile(invoke: Invoke): Promise<void> {
			try {
				const moved = await this.shipments.reconcile(invoke);
				this.nextReconcileAt = this.now() + this.settings.reconcileIntervalMs;
				await Promise.all(moved.map(doc => relayQuietly(doc, invoke, this)));
			} catch (err) {
				// Tried again at the next sweep, not only after the whole interval.
				this.logger.warn("Sweep: shipment reconcile failed:", (err as Error).message);
			}
		},
	},

	created() {
		this.nextReconcileAt = 0;
		// Each instance names itself in the leases it takes; a restarted one is a new name.
		const owner = `${this.broker.nodeID}:${crypto.randomUUID().slice(0, 8)}`;
		this.repo = new OrderRepo(this.adapter, owner, this.settings.leaseMs, () => this.now(), this.broker);
		this.saga = new OrderSaga(this.repo, this.settings, this.logger);
		this.outbox = new OutboxRelay(this.repo, this.settings.relayTimeoutMs, this.settings.relayRetryMs, this.logger);
		this.shipments = new ShipmentFollower(this.repo, this.logger);
	},

	started() {
		// What a dead instance left behind is looked after at once, not after the first interval.
		this.periodic.sweep.kick();
	},
};

export default OrdersService;
