// The checkout saga and the cancellation: each step's outcome is written on the order before
// the next step starts, and every call is idempotent per order id on the service that answers
// it, so any orders instance can resume an order from what the order says, as often as needed.
import type { Logger } from "moleculer";
import { Errors } from "moleculer";
import { StepUnreachableError, type ActionName, type CallOptions, type ParamsOf, type ResultOf } from "../../lib/call";
import { ConflictError, PaymentDeclinedError, ServiceDownError } from "../../lib/errors";
import { within } from "../../lib/time";
import type { CardDetails, PaymentStatus } from "./orders.contract";
import { notification, removeOrdered } from "./messages";
import type { OrderDoc, StoredError } from "./model";
import { LeaseLostError, nextSweepAt, withSweepAt, type OrderRepo } from "./repo";
import { retiredKey } from "./idempotency";
import { STEPS, attemptedSteps, resumesForward, stepNumber, stepsUpTo, type Step } from "./state";

/** A typed call to another service: through the request's context, or the broker in the background. */
export type Invoke = <A extends ActionName>(action: A, params: ParamsOf<A>, opts?: CallOptions) => Promise<ResultOf<A>>;

export interface SagaOptions {
	/** How long one call to another service may take before the checkout gives up on it. */
	stepTimeoutMs: number;
	/** When to undo a failed checkout once more, in case a step sent without an answer lands late. */
	recheckMs: number;
	/** How long a request waits for work after its answer is decided (undoing, messages) before answering. */
	settleWaitMs: number;
}

export interface SagaHooks {
	/** The order's status changed (for the order.statusChanged event). */
	statusChanged(doc: OrderDoc): void;
}

/** The checkout was cut off (its orders process died) before the money was taken; it is undone. */
export const INTERRUPTED: StoredError = {
	name: "ServiceUnavailableError",
	message: "The checkout was interrupted and has been undone; nothing was charged",
	code: 503,
	type: "CHECKOUT_INTERRUPTED",
};

export function storedError(err: unknown): StoredError {
	const e = err as Errors.MoleculerError;
	const code = typeof e?.code === "number" && e.code >= 400 && e.code < 600 ? e.code : 500;
	return { name: e?.name ?? "Error", message: e?.message ?? String(err), code, type: e?.type || "INTERNAL_ERROR", data: e?.data };
}

/** The error a stored failure was, to answer a replayed request the same way. */
export function replayError(failure: StoredError): Error {
	const Ctor = failure.code < 500 ? Errors.MoleculerClientError : Errors.MoleculerError;
	const err = new Ctor(failure.message, failure.code, failure.type, failure.data);
	err.name = failure.name;
	return err;
}

/** What a failed step's error says about whether it took effect (see attemptedSteps). */
export type StepOutcome = "answered" | "not-sent" | "unknown";

export function outcomeOf(err: unknown): StepOutcome {
	if (err instanceof StepUnreachableError) return err.sent ? "unknown" : "not-sent";
	const code = (err as Errors.MoleculerError)?.code;
	return typeof code === "number" && code >= 400 && code < 500 ? "answered" : "unknown";
}

export class OrderSaga {
	constructor(
		readonly repo: OrderRepo,
		readonly opts: SagaOptions,
		readonly hooks: SagaHooks,
		readonly logger: Logger,
	) {}

	/**
	 * Runs the checkout forward from wherever the order is. On any failure, undoes what may have
	 * been done and throws what the shopper should hear (402, 409, 503…).
	 */
	async forward(doc: OrderDoc, invoke: Invoke, card?: CardDetails): Promise<OrderDoc> {
		const orderId = doc._id;
		// No retries here: a retry after a timeout would double the wait for a 503.
		const opts = { timeout: this.opts.stepTimeoutMs, retries: 0, ifDown: "unknown" as const };
		try {
			if (doc.saga.done < stepNumber("reserve")) {
				const lines = doc.items.map(i => ({ productId: i.productId, quantity: i.quantity }));
				await invoke("inventory.reserve", { orderId, lines }, opts);
				await this.repo.advance(doc, { "saga.done": stepNumber("reserve") });
			}
			if (doc.saga.done < stepNumber("charge")) {
				if (!card) throw replayError(INTERRUPTED);
				const charge = await invoke("payments.charge", { orderId, amount: doc.total, currency: doc.currency, card }, opts);
				if (charge.status !== "charged") throw new PaymentDeclinedError(charge.status);
				if (charge.amount !== doc.total) throw new Error(`Payments charged ${charge.amount} for an order of ${doc.total}`);
				await this.repo.advance(doc, { "saga.done": stepNumber("charge"), "payment.status": "charged" });
			}
			if (doc.saga.done < stepNumber("book")) {
				const items = doc.items.map(i => ({ productId: i.productId, quantity: i.quantity }));
				const s = await invoke("shipping.create", { orderId, address: doc.shippingAddress, items }, opts);
				// A booking that is not live must not confirm the order. One already shipped is live (the
				// booking landed and its answer was lost, long ago): the order follows it from here on.
				if (s.status === "cancelled") throw new ConflictError("This order's shipment was cancelled", "SHIPMENT_CANCELLED", { orderId });
				await this.repo.advance(doc, { "saga.done": stepNumber("book"), shipment: { carrier: s.carrier, trackingId: s.trackingId, status: s.status } });
			}
			await invoke("inventory.commit", { orderId }, opts);
			await this.repo.advance(
				doc,
				{ status: "confirmed", open: false, "saga.phase": "done", "saga.done": stepNumber("commit"), outboxDue: true },
				{ $push: { outbox: { $each: [notification(doc, "order.confirmed"), removeOrdered(doc)] } }, $inc: { outboxVersion: 1 } },
			);
			this.hooks.statusChanged(doc);
			return doc;
		} catch (err) {
			if (err instanceof LeaseLostError) throw new ServiceDownError("orders", "This checkout is being finished by another orders instance");
			const undoing = this.compensate(doc, storedError(err), outcomeOf(err), invoke).catch(undoErr => {
				this.logger.warn(`Order ${orderId}: could not start undoing; the recovery sweep will:`, (undoErr as Error).message);
			});
			// Undoing takes milliseconds when the services answer; one that does not (the one that
			// just failed, often) must not hold the shopper's answer: it goes on in the background.
			await within(undoing, this.opts.settleWaitMs);
			throw err;
		}
	}

	/**
	 * Undoes a failed checkout and marks the order failed. If a service needed to undo is down,
	 * the order stays open (its failure written) and the recovery sweep finishes the job.
	 */
	async compensate(doc: OrderDoc, failure: StoredError, outcome: StepOutcome, invoke: Invoke): Promise<void> {
		const set: Record<string, unknown> = {
			"saga.phase": "compensating",
			"saga.failure": failure,
			"saga.attempted": attemptedSteps(doc.saga.done, outcome),
			"saga.uncertain": outcome === "unknown",
		};
		if (failure.code === 402) set["payment.status"] = "declined";
		await this.repo.advance(doc, set);
		await this.finishCompensation(doc, invoke);
	}

	private async finishCompensation(doc: OrderDoc, invoke: Invoke): Promise<void> {
		let refunded: boolean;
		try {
			refunded = await this.undo(doc, invoke, stepsUpTo(doc.saga.attempted));
		} catch (err) {
			this.logger.warn(`Order ${doc._id}: undo incomplete, the recovery sweep will finish it:`, (err as Error).message);
			return;
		}
		const failure = doc.saga.failure ?? INTERRUPTED;
		const set: Record<string, unknown> = {
			status: "failed",
			open: false,
			"saga.phase": "done",
			"payment.status": paymentAfterUndo(doc.payment.status, refunded),
		};
		if (doc.shipment) set["shipment.status"] = "cancelled";
		if (doc.saga.uncertain) set.recheckAt = this.repo.now() + this.opts.recheckMs;
		// The shopper was told "try again later": the same Idempotency-Key must then start afresh.
		if (failure.code >= 500) set.idemKey = retiredKey(doc._id);
		await this.repo.advance(doc, set);
		this.hooks.statusChanged(doc);
	}

	/** Undoes `steps`, all at once (each is independent and idempotent). True if money went back. */
	async undo(doc: OrderDoc, invoke: Invoke, steps: Set<Step>, retries = 0): Promise<boolean> {
		const orderId = doc._id;
		const opts = { timeout: this.opts.stepTimeoutMs, retries, ifDown: "unknown" as const };
		let refunded = false;
		const tasks: Promise<unknown>[] = [];
		if (steps.has("book")) {
			tasks.push(
				invoke("shipping.cancel", { orderId }, opts).catch(err => {
					// Only a shipment already on its way refuses; a fresh booking cannot be.
					if ((err as Errors.MoleculerError).code !== 409) throw err;
					this.logger.error(`Order ${orderId}: the shipment left before the checkout could be undone`);
				}),
			);
		}
		if (steps.has("charge")) {
			tasks.push(invoke("payments.refund", { orderId }, opts).then(c => (refunded = c?.status === "refunded")));
		}
		if (steps.has("reserve") || steps.has("commit")) {
			tasks.push(
				invoke("inventory.release", { orderId }, opts).catch(err => {
					if ((err as Errors.MoleculerError).code !== 404) throw err; // nothing was ever reserved
				}),
			);
		}
		const failed = (await Promise.allSettled(tasks)).find(r => r.status === "rejected");
		if (failed) throw (failed as PromiseRejectedResult).reason;
		return refunded;
	}

	/**
	 * Undoes a failed checkout once more, later: a charge, hold or booking sent without an answer
	 * may have landed after the first undo. Claimed by a compare-and-set on `recheckAt`.
	 */
	async recheck(doc: OrderDoc, invoke: Invoke): Promise<void> {
		const store = this.repo.store;
		// Claimed with a retry time: if this instance dies meanwhile, the sweep comes back then.
		const retryAt = this.repo.now() + this.opts.recheckMs;
		if ((await store.updateMany({ _id: doc._id, recheckAt: doc.recheckAt }, { $set: { recheckAt: retryAt, sweepAt: retryAt } })) !== 1) return;
		try {
			const refunded = await this.undo(doc, invoke, new Set(STEPS), 1);
			const set: Record<string, unknown> = { updatedAt: this.repo.iso() };
			if (refunded && doc.payment.status !== "refunded") {
				set["payment.status"] = "refunded";
				this.logger.warn(`Order ${doc._id}: a charge that landed after the checkout failed was refunded`);
			}
			const done = withSweepAt({ $set: set, $unset: { recheckAt: true } }, nextSweepAt({ ...doc, recheckAt: undefined }, this.repo.now()));
			await store.updateMany({ _id: doc._id, recheckAt: retryAt }, done);
		} catch (err) {
			this.logger.info(`Order ${doc._id}: recheck postponed:`, (err as Error).message);
		}
	}

	/** Picks up an order whose saga an instance left unfinished; the caller holds its lease. */
	async resume(doc: OrderDoc, invoke: Invoke): Promise<void> {
		switch (doc.saga.phase) {
			case "checkout":
				if (resumesForward(doc.saga.done)) await this.forward(doc, invoke).catch(err => this.logger.info(`Order ${doc._id} resumed and failed:`, (err as Error).message));
				else await this.compensate(doc, INTERRUPTED, "unknown", invoke);
				return;
			case "compensating":
				return this.finishCompensation(doc, invoke);
			case "cancelling":
				await this.finishCancel(doc, invoke).catch(err => this.logger.info(`Order ${doc._id}: cancellation not finished:`, (err as Error).message));
				return;
			case "done":
				await this.repo.advance(doc, { open: false });
		}
	}

	/** Cancels a confirmed order: shipment, money, stock. 409 once it has shipped. */
	async cancel(doc: OrderDoc, invoke: Invoke): Promise<OrderDoc> {
		if (doc.status === "cancelled") return doc;
		if (doc.status !== "confirmed" || doc.open) throw notCancellable(doc);
		if (!(await this.repo.open(doc, { status: "confirmed" }, { "saga.phase": "cancelling" }))) {
			const now = await this.repo.byId(doc._id);
			if (now?.status === "cancelled") return now;
			throw notCancellable(now ?? doc);
		}
		return this.finishCancel(doc, invoke);
	}

	/**
	 * Shipping has the last word: once it has cancelled the shipment, the cancellation only goes
	 * forward (a service down then leaves it to the recovery sweep); if it refuses, nothing changes.
	 */
	private async finishCancel(doc: OrderDoc, invoke: Invoke): Promise<OrderDoc> {
		const orderId = doc._id;
		const opts = { timeout: this.opts.stepTimeoutMs, retries: 0, ifDown: "unknown" as const };
		if (doc.shipment?.status !== "cancelled") {
			try {
				const shipment = await invoke("shipping.cancel", { orderId }, opts);
				if (shipment && shipment.status !== "cancelled") throw new ConflictError("too late", "ALREADY_SHIPPED");
			} catch (err) {
				if ((err as Errors.MoleculerError).code !== 409) throw err;
				await this.repo.advance(doc, { open: false, "saga.phase": "done" });
				throw new ConflictError("This order has already shipped and can no longer be cancelled", "ALREADY_SHIPPED");
			}
			if (doc.shipment) await this.repo.advance(doc, { "shipment.status": "cancelled" });
		}
		const refunded = await this.undo(doc, invoke, new Set<Step>(["charge", "commit"]));
		await this.repo.advance(
			doc,
			{ status: "cancelled", open: false, "saga.phase": "done", "payment.status": paymentAfterUndo(doc.payment.status, refunded), outboxDue: true },
			{ $push: { outbox: { $each: [notification(doc, "order.cancelled")] } }, $inc: { outboxVersion: 1 } },
		);
		this.hooks.statusChanged(doc);
		return doc;
	}
}

function paymentAfterUndo(before: PaymentStatus, refunded: boolean): PaymentStatus {
	if (refunded) return "refunded";
	return before === "declined" || before === "refunded" ? before : "none";
}

function notCancellable(doc: OrderDoc): ConflictError {
	if (doc.status === "shipped" || doc.status === "delivered") return new ConflictError("This order has already shipped and can no longer be cancelled", "ALREADY_SHIPPED");
	if (doc.open) return new ConflictError("This order is still being processed; try again in a moment", "ORDER_BUSY");
	return new ConflictError(`A ${doc.status} order cannot be cancelled`, "NOT_CANCELLABLE");
}

