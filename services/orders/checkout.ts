// A checkout, in the order a request lives it: the Idempotency-Key looked up (a replay answers
// at once), the cart priced by the catalog and the shipping quote, the order drafted and stored
// (`pending`, leased to this run), the saga run (saga.ts), and the order's messages relayed
// (outbox.ts) before the shopper gets their 201.
import crypto from "node:crypto";
import type { ServiceBroker } from "moleculer";
import { call, type ParamsOf } from "../../lib/call";
import { ConflictError, invalidField } from "../../lib/errors";
import type { AuthUser, ShopContext } from "../../lib/meta";
import { within } from "../../lib/time";
import { checkedCard } from "./card";
import { draftOrder } from "./draft";
import { MAX_KEY_LENGTH, hashBody, idempotencyKeyOf, sameBody } from "./idempotency";
import type { OrderDoc } from "./model";
import type { Order, OrderItem } from "./orders.contract";
import type { OutboxRelay } from "./outbox";
import { mergeLines, priceItems, totals, type Totals } from "./pricing";
import type { OrderRepo } from "./repo";
import { replayError, type Invoke, type OrderSaga } from "./saga";
import type { OrdersTuning } from "./settings";
import { toOrder } from "./view";

type CheckoutContext = ShopContext<ParamsOf<"orders.checkout">>;

/** What a checkout needs of the service: its store, saga, outbox, knobs and clock. */
export interface Checkouts {
	repo: OrderRepo;
	saga: OrderSaga;
	outbox: OutboxRelay;
	settings: OrdersTuning;
	logger: { warn(...args: unknown[]): void };
	now(): number;
}

/** Calls made for one order: through the request's context (its trace, its caller), or the broker in the background. */
export function invokerOf(caller: ShopContext | ServiceBroker): Invoke {
	return (action, params, opts) => call(caller, action, params, opts);
}

/** The caller's cart becomes a confirmed order (201), or nothing changes. */
export async function checkout(ctx: CheckoutContext, user: AuthUser, s: Checkouts): Promise<Order> {
	const card = checkedCard(ctx.params.payment);
	const header = ctx.meta.idempotencyKey ?? null;
	if (header !== null && (header.length === 0 || header.length > MAX_KEY_LENGTH))
		throw invalidField("Idempotency-Key", `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} characters`);
	const id = crypto.randomUUID();
	const idemKey = idempotencyKeyOf(user.id, header, id);
	if (header) {
		const replayed = await replay(ctx, idemKey, s);
		if (replayed) return replayed;
	}

	const priced = await priceCart(ctx, user.id, ctx.params.shippingAddress.country, s.settings);
	if (!priced) {
		// With a key, the key alone says what is a repeat.
		const repeated = header ? null : await repeatOfLastOrder(ctx, user, s);
		if (repeated) return repeated;
		throw invalidField("cart", "Your cart is empty");
	}
	const { items, totals } = priced;
	const now = s.now();
	const doc = draftOrder({
		id,
		user,
		items,
		totals,
		currency: s.settings.baseCurrency,
		shippingAddress: ctx.params.shippingAddress,
		cardNumber: card.cardNumber,
		idemKey,
		// Of the address and the card's last 4 and expiry only: never the number or cvc (see idempotency.ts).
		idemHash: hashBody(ctx.params),
		idemExpiresAt: now + s.settings.idempotencyTtlMs,
		lease: s.repo.lease(),
		now: new Date(now).toISOString(),
	});
	const conflict = await s.repo.insert(doc);
	if (conflict === "idempotency-key") {
		// Another request with the same key got there first.
		const replayed = await replay(ctx, idemKey, s);
		if (replayed) return replayed;
		throw new ConflictError("A checkout with this Idempotency-Key is in progress", "IDEMPOTENCY_KEY_IN_USE");
	}
	if (conflict === "cart") throw new ConflictError("A checkout of this cart is in progress", "CHECKOUT_IN_PROGRESS");

	const invoke = invokerOf(ctx);
	await s.saga.forward(doc, invoke, card);
	await within(relayQuietly(doc, invoke, s), s.settings.settleWaitMs);
	return answerCreated(ctx, doc);
}

/**
 * A checkout of an empty cart, without an Idempotency-Key, that repeats the order just made from
 * it (a double click whose second request came in after the first had finished and emptied the
 * cart): the same order again, as a replay would answer, if it is this user's newest, confirmed
 * within `repeatWindowMs`, with the same address and card.
 */
async function repeatOfLastOrder(ctx: CheckoutContext, user: AuthUser, s: Checkouts): Promise<Order | null> {
	const [last] = (await s.repo.page({ userId: user.id }, 0, 1)).rows;
	if (!last || last.status !== "confirmed" || Date.parse(last.createdAt) < s.now() - s.settings.repeatWindowMs) return null;
	return sameBody(last.idemHash, ctx.params) ? answerCreated(ctx, last) : null;
}

/** The cart's lines priced by the catalog, and shipping by the quote: nothing from the client. Null for an empty cart. */
async function priceCart(ctx: ShopContext, userId: string, country: string, settings: OrdersTuning): Promise<{ items: OrderItem[]; totals: Totals } | null> {
	const { baseCurrency } = settings;
	// No retries inside a request: a service that is down must cost one timeout, not three.
	const opts = { timeout: settings.stepTimeoutMs, retries: 0, ifDown: "fail" as const };
	const lines = mergeLines(await call(ctx, "cart.lines", { userId }, opts));
	if (!lines.length) return null;
	const [products, quote] = await Promise.all([
		call(ctx, "products.getMany", { ids: lines.map(l => l.productId) }, opts),
		call(ctx, "shipping.quote", { country, items: lines }, opts),
	]);
	if (quote.currency !== baseCurrency) throw new Error(`Shipping quoted in ${quote.currency}, not ${baseCurrency}`);
	const items = priceItems(lines, products, baseCurrency);
	return { items, totals: totals(items, quote.cost) };
}

/**
 * The answer to a checkout whose Idempotency-Key was used before: the same order (201), the
 * same failure, 409 while the first is still running, 422 for a different body under the key.
 */
async function replay(ctx: CheckoutContext, idemKey: string, s: Checkouts): Promise<Order | null> {
	const doc = await s.repo.byIdemKey(idemKey);
	if (!doc) return null;
	if (doc.idemExpiresAt <= s.now()) {
		await s.repo.retireIdemKey(doc);
		return null;
	}
	if (!sameBody(doc.idemHash, ctx.params)) throw invalidField("Idempotency-Key", "This Idempotency-Key was already used for a different checkout");
	if (doc.status === "pending") throw new ConflictError("A checkout with this Idempotency-Key is still in progress", "IDEMPOTENCY_KEY_IN_USE");
	if (doc.status === "failed" && doc.saga.failure) throw replayError(doc.saga.failure);
	return answerCreated(ctx, doc);
}

/** 201 with the order's address, for a new order and for its replays alike. */
function answerCreated(ctx: ShopContext, doc: OrderDoc): Order {
	ctx.meta.$statusCode = 201;
	ctx.meta.$location = `/api/orders/${doc._id}`;
	return toOrder(doc);
}

/** Delivers the order's new messages now if it can; the sweep retries whatever is left. */
export async function relayQuietly(doc: OrderDoc, invoke: Invoke, s: Pick<Checkouts, "outbox" | "logger">): Promise<void> {
	await s.outbox.relay(doc, invoke).catch(err => s.logger.warn(`Order ${doc._id}: outbox relay failed:`, (err as Error).message));
}
