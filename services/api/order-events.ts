// GET /api/orders/:id/events — an order's status, live (Server-Sent Events): the order at once,
// then once more after each change, for as long as the client stays connected. The gateway hears
// every `order.statusChanged` (orders broadcasts it, so each gateway of a cluster does) and reads
// the order again through orders.get as the caller, so what a client sees is exactly what
// GET /api/orders/:id would answer (404 when it is not the caller's).
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, ServiceBroker } from "moleculer";
import { call } from "../../lib/call";
import { invalidField, UnauthorizedError } from "../../lib/errors";
import type { ShopMeta } from "../../lib/meta";

/** A comment line this often keeps proxies from closing a quiet stream (the contract asks ≤ 30 s). */
const KEEP_ALIVE_MS = 25_000;
const MAX_ID_LENGTH = 64;

type EventsRequest = IncomingMessage & { $params?: { id?: unknown }; $ctx?: Context<unknown, ShopMeta> };

/** Which orders changed; one listener per open stream. */
export class OrderWatch extends EventEmitter {
	constructor() {
		super();
		// Every open stream listens: there is no sensible small maximum.
		this.setMaxListeners(0);
	}
}

/** The alias handler (moleculer-web calls it with the gateway service as `this`). */
export function orderEventsHandler(this: { broker: ServiceBroker; orderWatch: OrderWatch }, req: EventsRequest, res: ServerResponse, next: (err?: Error) => void): void {
	const user = req.$ctx?.meta.user;
	if (!user) return next(new UnauthorizedError());
	const id = req.$params?.id;
	if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) return next(invalidField("id", `An order id is 1 to ${MAX_ID_LENGTH} characters`));

	const read = () => call(this.broker, "orders.get", { id }, { meta: { user }, timeout: 3_000, ifDown: "fail" });
	const send = (order: unknown): void => void res.write(`event: status\ndata: ${JSON.stringify(order)}\n\n`);

	read().then(order => {
		res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" });
		send(order);
		// Reads one at a time, in order: a burst of changes ends on the latest state.
		let reading = Promise.resolve();
		const changed = () => (reading = reading.then(() => read().then(send, () => undefined)));
		const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
		this.orderWatch.on(id, changed);
		res.once("close", () => {
			clearInterval(keepAlive);
			this.orderWatch.off(id, changed);
			next();
		});
	}, (err: Error) => next(err));
}
