// services/payments/payments.service.ts — a simulated card processor: one charge per order, refunds, and
// every charge attempt for the books. The card number and cvc live only in the request: the store
// keeps the last 4 digits, and no error or log line ever carries more.
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { DbMixin, storeKind, type Filter, type Store } from "../../mixins/db.mixin";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { paymentsConfig } from "../../lib/config";
import { implement } from "../../lib/contract";
import { PaymentDeclinedError } from "../../lib/errors";
import { sleep } from "../../lib/time";
import { checkCard, decide, type CheckedCard } from "./card";
import { pendingCharge, SHOWN_STATUSES, toCharge, voidedCharge, type ChargeDoc } from "./charges";
import { ChargeVoidedError, IdempotencyMismatchError, ProcessorUnavailableError } from "./errors";
import { PaymentsContract, type Charge } from "./payments.contract";

interface PaymentsSettings extends ServiceSettingSchema {
	/** Added to every charge at the processor (PAYMENTS_LATENCY_MS). */
	latencyMs: number;
	/** Share of processor calls that fail as an outage (PAYMENTS_FAILURE_RATE). */
	failureRate: number;
	/**
	 * How long past the latency a pending claim may stay undecided: an older one lost its owner
	 * (the node died mid-charge) and another call may finish it.
	 */
	claimGraceMs: number;
	/** How often a repeat looks again at a charge that another node is deciding. */
	pollMs: number;
}

interface PaymentsMethods extends ClockMethods {
	random(): number;
	settle(orderId: string, amount: number, currency: string, card: CheckedCard): Promise<ChargeDoc>;
	process(claim: ChargeDoc, card: CheckedCard): Promise<ChargeDoc>;
	refundOrder(orderId: string): Promise<Charge | null>;
	outcome(doc: ChargeDoc, amount: number, currency: string): Charge;
	tryInsert(doc: ChargeDoc): Promise<boolean>;
	isStale(doc: ChargeDoc): boolean;
}

interface PaymentsVars {
	adapter: Store<ChargeDoc>;
	/** Charges this node is deciding right now, by order id: a concurrent repeat waits for the same answer. */
	inFlight: Map<string, Promise<ChargeDoc>>;
}

type PaymentsThis = Service<PaymentsSettings> & PaymentsMethods & PaymentsVars;

/** Charges per page of GET /api/payments unless `pageSize` says otherwise (the contract's default). */
const DEFAULT_PAGE_SIZE = 100;

const PaymentsService: ServiceSchema<PaymentsSettings, PaymentsMethods, PaymentsVars> = {
	name: PaymentsContract.name,
	mixins: [
		Clock,
		DbMixin("charges", {
			// Charges are listed by createdAt, never filtered by it: no index on NeDB (see IndexSpec.sortOnly).
			indexes: [{ fields: ["orderId"], unique: true }, { fields: ["createdAt"], sortOnly: true }],
		}),
	],

	settings: {
		...paymentsConfig(),
		claimGraceMs: 10_000,
		pollMs: 25,
	},

	actions: implement<PaymentsThis>()(PaymentsContract, {
		/** Charge once per order id; see payments.contract.ts for every answer. */
		charge: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			async handler(ctx) {
				const card = checkCard(ctx.params.card);
				const { orderId, amount, currency } = ctx.params;
				let settling = this.inFlight.get(orderId);
				if (!settling) {
					settling = this.settle(orderId, amount, currency, card).finally(() => this.inFlight.delete(orderId));
					this.inFlight.set(orderId, settling);
				}
				return this.outcome(await settling, amount, currency);
			},
		},

		/** Give back what an order was charged; idempotent, and safe before the charge exists. */
		refund: {
			visibility: "public",
			retryPolicy: { retries: 2 },
			handler(ctx) {
				return this.refundOrder(ctx.params.orderId);
			},
		},

		/** GET /api/payments: every charge attempt, a page at a time, so the books can be checked from outside. */
		list: {
			auth: "admin",
			async handler(ctx) {
				const { orderId, status, page = 1, pageSize = DEFAULT_PAGE_SIZE } = ctx.params;
				const query: Filter = { status: status ?? { $in: SHOWN_STATUSES } };
				if (orderId) query.orderId = orderId;
				const [docs, total] = await Promise.all([
					// Ties on createdAt break on _id, so pages never overlap.
					this.adapter.find({ query, sort: ["-createdAt", "-_id"], offset: (page - 1) * pageSize, limit: pageSize }),
					this.adapter.count({ query }),
				]);
				ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "X-Total-Count": String(total) };
				return docs.map(toCharge);
			},
		},
	}),

	methods: {
		/** Decides the simulated outages (PAYMENTS_FAILURE_RATE). */
		random(): number {
			return Math.random();
		},

		/**
		 * The stored outcome of charging this order: claims the order id with a `pending` document
		 * (the unique index lets one caller in the whole cluster win), lets the processor decide,
		 * and settles the claim with a conditional update, so a charge is taken at most once.
		 */
		async settle(orderId: string, amount: number, currency: string, card: CheckedCard): Promise<ChargeDoc> {
			const deadline = Date.now() + this.settings.latencyMs + this.settings.claimGraceMs;
			for (;;) {
				const existing = await this.adapter.findOne({ orderId });
				const now = this.now();
				if (!existing) {
					const claim = pendingCharge(orderId, amount, currency, card.last4, now);
					if (await this.tryInsert(claim)) return this.process(claim, card);
					continue;
				}
				if (existing.status !== "pending") return existing;
				if (this.isStale(existing)) {
					const claimedAt = now;
					const taken = await this.adapter.updateMany(
						{ _id: existing._id, status: "pending", claimedAt: existing.claimedAt },
						{ $set: { claimedAt, last4: card.last4 } },
					);
					if (taken === 1) return this.process({ ...existing, claimedAt, last4: card.last4 }, card);
					continue;
				}
				if (Date.now() > deadline) throw new ProcessorUnavailableError("A charge for this order is still in flight; ask again shortly");
				await sleep(this.settings.pollMs);
			}
		},

		/** The processor's part: latency, outages, then approve or decline. */
		async process(claim: ChargeDoc, card: CheckedCard): Promise<ChargeDoc> {
			if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
			const mine = { _id: claim._id, status: "pending", claimedAt: claim.claimedAt };

			if (this.random() < this.settings.failureRate) {
				// Nothing was charged: free the order id for the retry.
				await this.adapter.removeMany(mine);
				this.logger.warn(`Simulated processor outage while charging order ${claim.orderId}`);
				throw new ProcessorUnavailableError();
			}

			const now = this.now();
			const reason = decide(card, new Date(now));
			const updatedAt = new Date(now).toISOString();
			const settled = reason ? { status: "declined", declineReason: reason, updatedAt } : { status: "charged", updatedAt };
			if ((await this.adapter.updateMany(mine, { $set: settled })) === 0) {
				// Took too long: another call took the claim over (or a refund voided it). Its answer stands.
				return this.settle(claim.orderId, claim.amount, claim.currency, card);
			}
			if (reason) this.logger.info(`Declined order ${claim.orderId} (${reason})`);
			else this.logger.info(`Charged order ${claim.orderId}: ${claim.amount} ${claim.currency}`);
			return { ...claim, ...settled } as ChargeDoc;
		},

		/** The refund of an order, once: waits for a charge still being decided, and voids an order never charged. */
		async refundOrder(orderId: string): Promise<Charge | null> {
			const deadline = Date.now() + this.settings.latencyMs + this.settings.claimGraceMs;
			for (;;) {
				const running = this.inFlight.get(orderId);
				if (running) {
					await running.catch(() => undefined);
					continue;
				}
				const doc = await this.adapter.findOne({ orderId });
				const now = this.now();
				if (!doc) {
					if (await this.tryInsert(voidedCharge(orderId, now))) return null;
					continue;
				}
				switch (doc.status) {
					case "voided":
						return null;
					case "declined":
					case "refunded":
						return toCharge(doc);
					case "charged": {
						const at = new Date(now).toISOString();
						if ((await this.adapter.updateMany({ _id: doc._id, status: "charged" }, { $set: { status: "refunded", refundedAt: at, updatedAt: at } })) === 1)
							this.logger.info(`Refunded order ${orderId}: ${doc.amount} ${doc.currency}`);
						continue;
					}
					case "pending":
						if (this.isStale(doc)) {
							// Its node died before the processor decided: nothing was taken, and now nothing will be.
							await this.adapter.updateMany({ _id: doc._id, status: "pending", claimedAt: doc.claimedAt }, { $set: { status: "voided", updatedAt: new Date(now).toISOString() } });
							continue;
						}
						if (Date.now() > deadline) throw new ProcessorUnavailableError("A charge for this order is still in flight; ask again shortly");
						await sleep(this.settings.pollMs);
				}
			}
		},

		/** What a caller is answered for a settled charge (the same for the first call and every repeat). */
		outcome(doc: ChargeDoc, amount: number, currency: string): Charge {
			if (doc.status === "voided") throw new ChargeVoidedError(doc.orderId);
			if (doc.amount !== amount || doc.currency !== currency) throw new IdempotencyMismatchError(doc.orderId);
			if (doc.status === "declined") throw new PaymentDeclinedError(doc.declineReason ?? "card_declined");
			return toCharge(doc);
		},

		/** Inserts a document keyed by order id; false when another call got there first. */
		async tryInsert(doc: ChargeDoc): Promise<boolean> {
			try {
				await this.adapter.insert(doc);
				return true;
			} catch (err) {
				if (await this.adapter.findOne({ orderId: doc.orderId })) return false;
				throw err;
			}
		},

		isStale(doc: ChargeDoc): boolean {
			return this.now() - doc.claimedAt > this.settings.latencyMs + this.settings.claimGraceMs;
		},
	},

	created() {
		this.inFlight = new Map();
	},

	async started() {
		// A store of this node's own holds no claim of a live process: any pending one is from a
		// previous life that died before the processor decided, so nothing was taken. Dropping the
		// claims now lets refunds and retries answer at once instead of waiting for them to go stale.
		// (A shared MongoDB may hold other nodes' live claims; there the stale rule decides.)
		if (storeKind() !== "mongo") {
			const dropped = await this.adapter.removeMany({ status: "pending" });
			if (dropped > 0) this.logger.warn(`Dropped ${dropped} charge claim(s) left undecided by a previous run`);
		}
	},
};

export default PaymentsService;
