// The checkout saga and the cancellation. The checkout is the table STEPS: going forward runs
// each step not yet done (the booking and the sale together, see `alongsideNext`), undoing runs
// the `undo` of each step that may have taken effect, and resuming an order a dead run left
// behind asks the last step written whether to finish or undo.
// A step's outcome is written on the order before the next step starts, unless the step is
// `recorded: false` (see SagaStep); every call is idempotent per order id on the service that
// answers it, so any run can pick an order up from what the order says, as often as needed.
import type { Logger } from "moleculer";
import { Errors } from "moleculer";
import { StepUnreachableError, type ActionName, type CallOptions, type ParamsOf, type ResultOf } from "../../lib/call";
import { ConflictError, PaymentDeclinedError, ServiceDownError } from "../../lib/errors";
import { within } from "../../lib/time";
import type { CardDetails, PaymentStatus } from "./orders.contract";
import { notification, removeOrdered } from "./messages";
import type { OrderDoc, StoredError } from "./model";
import { LeaseLostError, type OrderRepo } from "./repo";
import { retiredKey } from "./idempotency";
import { STEP_NAMES, attemptedSteps, stepsUpTo, type StepName } from "./state";
import type { Update } from "../../mixins/db.mixin";

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

/** What one step is given: the order (as this run holds it), how to call, and the card while the request lives. */
interface StepRun {
	doc: OrderDoc;
	invoke: Invoke;
	opts: CallOptions;
	card?: CardDetails;
	logger: Logger;
}

interface SagaStep {
	name: StepName;
	/** Does the step (idempotent per order id); resolves to what to write on the order with it. */
	run(r: StepRun): Promise<Record<string, unknown>>;
	/** Undoes it: idempotent, and harmless when the step never ran. Resolves to true when money went back. */
	undo: ((r: StepRun) => Promise<boolean>) | null;
	/**
	 * What a checkout cut off after this step does: "undo", or "finish" when the rest needs nothing
	 * the order does not keep. Finishing before the charge would need the card, which is never stored.
	 */
	ifCutOff: "undo" | "finish";
	/**
	 * Whether the order is written once this step is done, before the next one starts. A step
	 * that is not (one write fewer per checkout) leaves `saga.done` short of it while the next
	 * step runs, so a run resuming from the order must cope with both having taken effect:
	 * going forward it runs this step again (its `run` is idempotent), undoing it undoes this
	 * step and the next (see `mayHaveRun`). What `run` resolved to is written with the next write.
	 */
	recorded: boolean;
	/**
	 * Whether the next step is sent at the same time, without waiting for this one's answer (one
	 * round trip fewer per checkout). Only for a step that is not recorded, and whose next step
	 * needs nothing of it: whatever becomes of either, the run waits for both to settle before it
	 * writes or undoes anything, so an undo never overtakes the step it undoes.
	 */
	alongsideNext?: boolean;
}

const linesOf = (doc: OrderDoc) => doc.items.map(i => ({ productId: i.productId, quantity: i.quantity }));

async function reserveStock({ doc, invoke, opts }: StepRun) {
	await invoke("inventory.reserve", { orderId: doc._id, lines: linesOf(doc) }, opts);
	return {};
}

async function releaseStock({ doc, invoke, opts }: StepRun) {
	// Gives back a hold and a sale alike; a 404: nothing was ever reserved.
	await invoke("inventory.release", { orderId: doc._id }, opts).catch(err => {
		if ((err as Errors.MoleculerError).code !== 404) throw err;
	});
	return false;
}

async function chargeCard({ doc, invoke, opts, card }: StepRun) {
	if (!card) throw replayError(INTERRUPTED);
	const charge = await invoke("payments.charge", { orderId: doc._id, amount: doc.total, currency: doc.currency, card }, opts);
	if (charge.status !== "charged") throw new PaymentDeclinedError(charge.status);
	if (charge.amount !== doc.total) throw new Error(`Payments charged ${charge.amount} for an order of ${doc.total}`);
	return { "payment.status": "charged" };
}

async function refundCharge({ doc, invoke, opts }: StepRun) {
	const charge = await invoke("payments.refund", { orderId: doc._id }, opts);
	return charge?.status === "refunded";
}

async function bookShipment({ doc, invoke, opts }: StepRun) {
	const s = await invoke("shipping.create", { orderId: doc._id, address: doc.shippingAddress, items: linesOf(doc) }, opts);
	// A booking that is not live must not confirm the order. One already shipped is live (the
	// booking landed and its answer was lost, long ago): the order follows it from here on.
	if (s.status === "cancelled") throw new ConflictError("This order's shipment was cancelled", "SHIPMENT_CANCELLED", { orderId: doc._id });
	return { shipment: { carrier: s.carrier, trackingId: s.trackingId, status: s.status } };
}

async function cancelShipment({ doc, invoke, opts, logger }: StepRun) {
	await invoke("shipping.cancel", { orderId: doc._id }, opts).catch(err => {
		// Only a shipment already on its way refuses; a fresh booking cannot be.
		if ((err as Errors.MoleculerError).code !== 409) throw err;
		logger.error(`Order ${doc._id}: the shipment left before the checkout could be undone`);
	});
	return false;
}

async function commitStock({ doc, invoke, opts }: StepRun) {
	await invoke("inventory.commit", { orderId: doc._id }, opts);
	return {};
}

/** The checkout, in order. A new step is one row; its undo cannot be forgotten. */
export const STEPS: readonly SagaStep[] = [
	// Not recorded: an order cut off with the hold and perhaps the charge taken says `done: 0`,
	// and is undone, charge included (a refund before the charge voids it: a late charge is refused).
	{ name: "reserve", run: reserveStock, undo: releaseStock, ifCutOff: "undo", recorded: false },
	{ name: "charge", run: chargeCard, undo: refundCharge, ifCutOff: "finish", recorded: true },
	// Not recorded: an order cut off with the parcel booked says `done: 2`, and is finished by
	// booking again, which answers the same booking (shipping keeps one per order id). The sale
	// goes out with it: neither needs anything of the other. The cost: a booking that is refused
	// or cannot be sent now waits for the sale, which is then given back (the hold's release).
	{ name: "book", run: bookShipment, undo: cancelShipment, ifCutOff: "finish", recorded: false, alongsideNext: true },
	{ name: "commit", run: commitStock, undo: releaseStock, ifCutOff: "finish", recorded: true },
];
if (STEPS.map(s => s.name).join() !== STEP_NAMES.join()) throw new Error("saga.ts STEPS and state.ts STEP_NAMES disagree");
// The confirmation is written with the last step: it cannot go unwritten.
if (!STEPS[STEPS.length - 1].recorded) throw new Error("saga.ts: the last step must be recorded");
// A resume must count a step sent alongside the next as possibly run (mayHaveRun): it is not recorded.
if (STEPS.some(s => s.alongsideNext && s.recorded)) throw new Error("saga.ts: a step sent alongside the next must not be recorded");

/** The steps sent together from step `first` on: it, and each next one that goes alongside. */
function stepsSentWith(first: number): readonly SagaStep[] {
	let last = first;
	while (STEPS[last].alongsideNext && last + 1 < STEPS.length) last++;
	return STEPS.slice(first, last + 1);
}

/** Whether a checkout cut off with `done` steps written is finished (true) or undone. */
export function resumesForward(done: number): boolean {
	return done > 0 && STEPS[Math.min(done, STEPS.length) - 1].ifCutOff === "finish";
}

/**
 * How many steps may have taken effect on an order cut off with `done` steps written: the one
 * after them may have been sent, and if that one is not recorded, the one after it too.
 */
export function mayHaveRun(done: number): number {
	let n = Math.min(done + 1, STEPS.length);
	while (n < STEPS.length && !STEPS[n - 1].recorded) n++;
	return n;
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

/**
 * What an undo must cover when steps sent together from step `first` on settled and one or more
 * failed. Each one that did its work, or may have (a timeout, a 5xx), needs its undo: `attempted`
 * is the fewest first steps of the table that include that undo. A sale made beside a refused
 * booking is given back by the hold's release (step 1), so the booking, which surely did nothing,
 * is not cancelled at a shipping that may be down. (A count cannot leave out a step in the middle
 * whose undo is its own; in this table none is.) `uncertain`: one of them may still land late.
 */
export function attemptedTogether(first: number, settled: readonly PromiseSettledResult<unknown>[]): { attempted: number; uncertain: boolean } {
	let attempted = first;
	let uncertain = false;
	settled.forEach((r, k) => {
		const outcome = r.status === "fulfilled" ? "done" : outcomeOf(r.reason);
		if (outcome === "unknown") uncertain = true;
		const undo = STEPS[first + k].undo;
		if (outcome === "answered" || outcome === "not-sent" || !undo) return;
		attempted = Math.max(attempted, STEPS.findIndex(s => s.undo === undo) + 1);
	});
	return { attempted, uncertain };
}

/** The confirmation, written with the last step: the order settles, and its messages wait in the outbox. */
function confirmation(doc: OrderDoc): { set: Record<string, unknown>; more: Update } {
	return {
		set: { status: "confirmed", open: false, "saga.phase": "done", outboxDue: true },
		more: { $push: { outbox: { $each: [notification(doc, "order.confirmed"), removeOrdered(doc)] } }, $inc: { outboxVersion: 1 } },
	};
}

/** Why and where a checkout stopped: what compensation writes first, then undoes. */
interface CutOff {
	failure: StoredError;
	/** How many steps may have taken effect (see attemptedSteps, mayHaveRun). */
	attempted: number;
	/** Whether the last of them may still land late (then a recheck undoes once more). */
	uncertain: boolean;
	/** What done steps that were not written yet resolved to. */
	unwritten?: Record<string, unknown>;
}

export class OrderSaga {
	constructor(
		readonly repo: OrderRepo,
		readonly opts: SagaOptions,
		readonly logger: Logger,
	) {}

	private run(doc: OrderDoc, invoke: Invoke, retries = 0, card?: CardDetails): StepRun {
		// No retries going forward: a retry after a timeout would double the wait for a 503.
		return { doc, invoke, card, logger: this.logger, opts: { timeout: this.opts.stepTimeoutMs, retries, ifDown: "unknown" } };
	}

	/**
	 * Runs the checkout forward from wherever the order is. On any failure, undoes what may have
	 * been done and throws what the shopper should hear (402, 409, 503…).
	 */
	async forward(doc: OrderDoc, invoke: Invoke, card?: CardDetails): Promise<OrderDoc> {
		const run = this.run(doc, invoke, 0, card);
		// Steps this run knows are done, and what the ones not written yet resolved to.
		let done = doc.saga.done;
		let unwritten: Record<string, unknown> = {};
		// Set when steps failed: what the undo must cover (a write that fails leaves it unset).
		let undoCover: { attempted: number; uncertain: boolean } | undefined;
		try {
			while (done < STEPS.length) {
				// Steps that are not recorded do not renew the lease either: one that would run out
				// during the next step is renewed first, or the sweep could take a live checkout over.
				if (doc.lease.until - this.repo.now() < this.opts.stepTimeoutMs) await this.repo.advance(doc, {});
				const steps = stepsSentWith(done);
				const settled = await Promise.allSettled(steps.map(step => step.run(run)));
				for (const r of settled) if (r.status === "fulfilled") unwritten = { ...unwritten, ...r.value };
				const failed = settled.find(r => r.status === "rejected");
				if (failed) {
					undoCover = attemptedTogether(done, settled);
					throw failed.reason;
				}
				done += steps.length;
				if (!STEPS[done - 1].recorded) continue;
				const last = done === STEPS.length ? confirmation(doc) : { set: {}, more: {} };
				await this.repo.advance(doc, { ...unwritten, ...last.set, "saga.done": done }, last.more);
				unwritten = {};
			}
			return doc;
		} catch (err) {
			if (err instanceof LeaseLostError) throw new ServiceDownError("orders", "This checkout is being finished by another orders instance");
			const outcome = outcomeOf(err);
			const { attempted, uncertain } = undoCover ?? { attempted: attemptedSteps(done, outcome), uncertain: outcome === "unknown" };
			const cutOff = { failure: storedError(err), attempted, uncertain, unwritten };
			const undoing = this.compensate(doc, cutOff, invoke).catch(undoErr => {
				this.logger.warn(`Order ${doc._id}: could not start undoing; the recovery sweep will:`, (undoErr as Error).message);
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
	async compensate(doc: OrderDoc, { failure, attempted, uncertain, unwritten = {} }: CutOff, invoke: Invoke): Promise<void> {
		const set: Record<string, unknown> = {
			// What done steps not written yet resolved to (a booking): the undo reads it.
			...unwritten,
			"saga.phase": "compensating",
			"saga.failure": failure,
			"saga.attempted": attempted,
			"saga.uncertain": uncertain,
		};
		if (failure.code === 402) set["payment.status"] = "declined";
		// The shopper is told it failed now, while the undo may go on: their cart is theirs again.
		await this.repo.advance(doc, set, { $unset: { cartLock: true } });
		await this.finishCompensation(doc, invoke);
	}

	private async finishCompensation(doc: OrderDoc, invoke: Invoke): Promise<void> {
		let refunded: boolean;
		try {
			const attempted = stepsUpTo(doc.saga.attempted);
			refunded = await this.undo(this.run(doc, invoke), STEPS.filter(s => attempted.has(s.name)));
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
	}

	/** Runs the undo of each of `steps`, all at once (each is independent and idempotent). True if money went back. */
	private async undo(run: StepRun, steps: readonly SagaStep[]): Promise<boolean> {
		const undos = new Set(steps.map(s => s.undo).filter(u => u !== null));
		const results = await Promise.allSettled([...undos].map(u => u(run)));
		const failed = results.find(r => r.status === "rejected");
		if (failed) throw (failed as PromiseRejectedResult).reason;
		return results.some(r => r.status === "fulfilled" && r.value);
	}

	/**
	 * Undoes a failed checkout once more, later: a charge, hold or booking sent without an answer
	 * may have landed after the first undo. Claimed by a compare-and-set on `recheckAt`.
	 */
	async recheck(doc: OrderDoc, invoke: Invoke): Promise<void> {
		// Claimed with a retry time: if this instance dies meanwhile, the sweep comes back then.
		const retryAt = this.repo.now() + this.opts.recheckMs;
		if (!(await this.repo.claimRecheck(doc, retryAt))) return;
		try {
			const refunded = await this.undo(this.run(doc, invoke, 1), STEPS);
			const set: Record<string, unknown> = {};
			if (refunded && doc.payment.status !== "refunded") {
				set["payment.status"] = "refunded";
				this.logger.warn(`Order ${doc._id}: a charge that landed after the checkout failed was refunded`);
			}
			await this.repo.finishRecheck(doc, retryAt, set);
		} catch (err) {
			this.logger.info(`Order ${doc._id}: recheck postponed:`, (err as Error).message);
		}
	}

	/** Picks up an order whose saga a run left unfinished; the caller holds its lease. */
	async resume(doc: OrderDoc, invoke: Invoke): Promise<void> {
		switch (doc.saga.phase) {
			case "checkout":
				if (resumesForward(doc.saga.done)) await this.forward(doc, invoke).catch(err => this.logger.info(`Order ${doc._id} resumed and failed:`, (err as Error).message));
				else await this.compensate(doc, { failure: INTERRUPTED, attempted: mayHaveRun(doc.saga.done), uncertain: true }, invoke);
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
		const run = this.run(doc, invoke);
		if (doc.shipment?.status !== "cancelled") {
			try {
				const shipment = await invoke("shipping.cancel", { orderId: doc._id }, run.opts);
				if (shipment && shipment.status !== "cancelled") throw new ConflictError("too late", "ALREADY_SHIPPED");
			} catch (err) {
				if ((err as Errors.MoleculerError).code !== 409) throw err;
				await this.repo.advance(doc, { open: false, "saga.phase": "done" });
				throw new ConflictError("This order has already shipped and can no longer be cancelled", "ALREADY_SHIPPED");
			}
			if (doc.shipment) await this.repo.advance(doc, { "shipment.status": "cancelled" });
		}
		// The shipment is settled above, with shipping's refusal heard: the other steps are undone.
		const refunded = await this.undo(run, STEPS.filter(s => s.name !== "book"));
		await this.repo.advance(
			doc,
			{ status: "cancelled", open: false, "saga.phase": "done", "payment.status": paymentAfterUndo(doc.payment.status, refunded), outboxDue: true },
			{ $push: { outbox: { $each: [notification(doc, "order.cancelled")] } }, $inc: { outboxVersion: 1 } },
		);
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
