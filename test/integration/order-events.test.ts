// GET /api/orders/:id/events: the order at once, then each change, as Server-Sent Events; 401
// without a token, 404 for someone else's order; a reconnect gets the current state at once.
import type { ServiceBroker } from "moleculer";
import { SEED_PRODUCTS } from "../../lib/seed-catalog/seed";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { everyService } from "../support/shop";

const ADDRESS = { name: "Eve Stream", street: "4 Event St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const owner = signToken({ id: "sse-owner", email: "owner@example.com", role: "customer" });
const stranger = signToken({ id: "sse-stranger", email: "stranger@example.com", role: "customer" });
const product = SEED_PRODUCTS.find(p => p.initialStock >= 5)!;

/** An open event stream: each `event: status` as the order it carries, in arrival order. */
async function openStream(url: string, token?: string) {
	const abort = new AbortController();
	const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: abort.signal });
	const orders: { status: string; id: string }[] = [];
	const waiters: (() => void)[] = [];
	let buffer = "";
	const reading = (async () => {
		if (!res.body || !res.headers.get("content-type")?.startsWith("text/event-stream")) return;
		const decoder = new TextDecoder();
		try {
			for await (const chunk of res.body) {
				buffer += decoder.decode(chunk as Uint8Array, { stream: true });
				let end: number;
				while ((end = buffer.indexOf("\n\n")) >= 0) {
					const block = buffer.slice(0, end);
					buffer = buffer.slice(end + 2);
					const data = block.split("\n").find(l => l.startsWith("data: "));
					if (block.startsWith("event: status") && data) orders.push(JSON.parse(data.slice(6)));
					waiters.splice(0).forEach(w => w());
				}
			}
		} catch {
			/* aborted */
		}
	})();
	/** Resolves once `count` events have come (the stream's own arrivals are the barrier). */
	const received = async (count: number) => {
		while (orders.length < count) await new Promise<void>(resolve => waiters.push(resolve));
		return orders;
	};
	const close = async () => {
		abort.abort();
		await reading;
	};
	return { res, orders, received, close };
}

describe("live order status (SSE)", () => {
	let broker: ServiceBroker;
	let api: string;
	let orderId: string;

	beforeAll(async () => {
		broker = await startBroker(everyService());
		api = `${gatewayUrl(broker)}/api`;
		await http.post(`${api}/cart/items`, { productId: product.id, quantity: 1 }, { token: owner });
		const order = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment: CARD }, { token: owner });
		expect(order.status).toBe(201);
		orderId = order.body.id;
	});
	afterAll(() => broker.stop());

	it("sends the order at once, then each change", async () => {
		const stream = await openStream(`${api}/orders/${orderId}/events`, owner);
		expect(stream.res.status).toBe(200);
		expect(stream.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
		expect((await stream.received(1))[0]).toMatchObject({ id: orderId, status: "confirmed" });

		expect((await http.post(`${api}/orders/${orderId}/cancel`, {}, { token: owner })).status).toBe(200);
		const seen = await stream.received(2);
		expect(seen[seen.length - 1]).toMatchObject({ id: orderId, status: "cancelled" });
		await stream.close();
	});

	it("gives a client that reconnects the current state at once", async () => {
		const again = await openStream(`${api}/orders/${orderId}/events`, owner);
		expect((await again.received(1))[0]).toMatchObject({ id: orderId, status: "cancelled" });
		await again.close();
	});

	it("is 401 without a token and 404 for another shopper's order, in the contract's error shape", async () => {
		const anonymous = await http.get(`${api}/orders/${orderId}/events`);
		expect([anonymous.status, anonymous.body.type]).toEqual([401, "UNAUTHORIZED"]);
		const other = await http.get(`${api}/orders/${orderId}/events`, { token: stranger });
		expect([other.status, other.body.code]).toEqual([404, 404]);
		const unknown = await http.get(`${api}/orders/no-such-order/events`, { token: owner });
		expect(unknown.status).toBe(404);
	});
});
