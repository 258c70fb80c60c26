// The admin looks after orders at scale: the lists of every order and every charge narrow by
// status, order id (or its first characters, as the storefront shows them) and buyer e-mail, a
// page at a time; an order's messages can be read by the admin; an admin cancels anyone's order.
// Every narrowing is validated: bad input is a 422, an e-mail nobody ordered with an empty page.
import type { ServiceBroker } from "moleculer";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { everyService } from "../support/shop";
import { http } from "../support/http";
import { waitFor } from "../support/poll";

const admin = signToken({ id: "search-admin", email: "admin@example.com", role: "admin" });
const ADDRESS = { name: "Ann Example", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
const CARD = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2035, cvc: "123" };
const DECLINED = { ...CARD, cardNumber: "4000000000000002" };

interface Buyer {
	id: string;
	email: string;
	token: string;
}

describe("the admin's search of orders, charges and messages", () => {
	let broker: ServiceBroker;
	let api: string;
	let products: { id: string }[];
	let seq = 0;
	let ann: Buyer;
	let bob: Buyer;
	/** Ann's two confirmed orders (newest last), Bob's confirmed one and his declined one. */
	const orders: Record<"ann1" | "ann2" | "bob" | "bobDeclined", any> = {} as never;

	async function register(name: string): Promise<Buyer> {
		const email = `${name}.${++seq}.${Date.now()}@Example.com`;
		const res = await http.post(`${api}/auth/register`, { email, password: "long enough pass", name });
		expect(res.status).toBe(201);
		return { id: res.body.user.id, email: email.toLowerCase(), token: res.body.token };
	}

	async function buy(buyer: Buyer, payment = CARD): Promise<any> {
		expect((await http.post(`${api}/cart/items`, { productId: products[seq++ % products.length].id, quantity: 1 }, { token: buyer.token })).status).toBe(200);
		const res = await http.post(`${api}/checkout`, { shippingAddress: ADDRESS, payment }, { token: buyer.token });
		if (payment === DECLINED) {
			expect(res.status).toBe(402);
			const mine = await http.get(`${api}/orders`, { token: buyer.token });
			return mine.body.find((o: any) => o.status === "failed");
		}
		expect(res.status).toBe(201);
		return res.body;
	}

	const adminList = (query: string) => http.get(`${api}/orders?all=true&${query}`, { token: admin });
	const idsOf = (res: { body: any[] }) => res.body.map(o => o.id);

	beforeAll(async () => {
		broker = await startBroker(everyService());
		api = `${gatewayUrl(broker)}/api`;
		products = (await http.get(`${api}/products?pageSize=100&sort=-price`)).body.rows.filter((p: any) => p.available >= 10);
		[ann, bob] = [await register("ann"), await register("bob")];
		orders.ann1 = await buy(ann);
		orders.ann2 = await buy(ann);
		orders.bob = await buy(bob);
		orders.bobDeclined = await buy(bob, DECLINED);
	}, 60_000);
	afterAll(() => broker.stop());

	describe("GET /api/orders?all=true", () => {
		it("finds a buyer's orders by their e-mail, in any case, a page at a time with the whole count", async () => {
			const all = await adminList(`email=${encodeURIComponent(` ${ann.email.toUpperCase()} `)}`);
			expect(all.status).toBe(200);
			expect(all.headers.get("x-total-count")).toBe("2");
			expect(idsOf(all)).toEqual([orders.ann2.id, orders.ann1.id]);
			expect(all.body.every((o: any) => o.email === ann.email)).toBe(true);

			const second = await adminList(`email=${encodeURIComponent(ann.email)}&page=2&pageSize=1`);
			expect(second.headers.get("x-total-count")).toBe("2");
			expect(idsOf(second)).toEqual([orders.ann1.id]);
		});

		it("answers an e-mail nobody ordered with an empty page, not an error", async () => {
			const res = await adminList("email=nobody%40example.com");
			expect(res.status).toBe(200);
			expect(res.body).toEqual([]);
			expect(res.headers.get("x-total-count")).toBe("0");
		});

		it("finds an order by its whole id, or by its first characters as the storefront shows them", async () => {
			expect(idsOf(await adminList(`orderId=${orders.bob.id}`))).toEqual([orders.bob.id]);
			const short = orders.bob.id.split("-")[0].toUpperCase();
			expect(idsOf(await adminList(`orderId=${short}`))).toEqual([orders.bob.id]);
			expect((await adminList("orderId=no-such-order")).body).toEqual([]);
		});

		it("narrows by status: a failed order says why it was refused", async () => {
			const failed = await adminList(`status=failed&email=${encodeURIComponent(bob.email)}`);
			expect(failed.headers.get("x-total-count")).toBe("1");
			expect(failed.body).toEqual([
				expect.objectContaining({ id: orders.bobDeclined.id, status: "failed", failure: { code: 402, type: "PAYMENT_DECLINED", message: expect.stringMatching(/declined/i) } }),
			]);
			const confirmed = await adminList("status=confirmed");
			expect(idsOf(confirmed)).toEqual(expect.arrayContaining([orders.ann1.id, orders.ann2.id, orders.bob.id]));
			expect(confirmed.body.every((o: any) => o.status === "confirmed" && !("failure" in o))).toBe(true);
		});

		it("keeps a shopper's own list their own: filters narrow it, never widen it, and carry no e-mail", async () => {
			const res = await http.get(`${api}/orders?orderId=${orders.bob.id}`, { token: ann.token });
			expect(res.status).toBe(200);
			expect(res.body).toEqual([]);
			const own = await http.get(`${api}/orders?status=confirmed`, { token: ann.token });
			expect(idsOf(own).sort()).toEqual([orders.ann1.id, orders.ann2.id].sort());
			expect(own.body.some((o: any) => "email" in o)).toBe(false);
		});

		it.each([
			["status=lost", "status"],
			["status[$ne]=failed", "status"],
			["orderId=%5E.*", "orderId"],
			["orderId=a%20b", "orderId"],
			[`orderId=${"a".repeat(65)}`, "orderId"],
			[`email=${"a".repeat(250)}%40example.com`, "email"],
			["email=", "email"],
			["customer=ann", "customer"],
		])("answers %s with a 422 naming %s", async (query, field) => {
			const res = await adminList(query);
			expect(res.status).toBe(422);
			expect(JSON.stringify(res.body.data)).toContain(field);
		});
	});

	describe("GET /api/orders/:id as an admin", () => {
		it("shows anyone's order with the buyer's e-mail; the buyer sees no e-mail field", async () => {
			const seen = await http.get(`${api}/orders/${orders.ann1.id}`, { token: admin });
			expect(seen.body).toMatchObject({ id: orders.ann1.id, email: ann.email });
			const own = await http.get(`${api}/orders/${orders.ann1.id}`, { token: ann.token });
			expect(own.body).not.toHaveProperty("email");
		});
	});

	describe("GET /api/payments", () => {
		it("narrows by status, with the whole count", async () => {
			const declined = await http.get(`${api}/payments?status=declined`, { token: admin });
			expect(declined.status).toBe(200);
			expect(declined.body.map((c: any) => c.orderId)).toContain(orders.bobDeclined.id);
			expect(declined.body.every((c: any) => c.status === "declined")).toBe(true);
			expect(declined.headers.get("x-total-count")).toBe(String(declined.body.length));
			const charged = await http.get(`${api}/payments?status=charged&orderId=${orders.bob.id}`, { token: admin });
			expect(charged.body).toEqual([expect.objectContaining({ orderId: orders.bob.id, status: "charged" })]);
			expect((await http.get(`${api}/payments?status=refunded&orderId=${orders.bob.id}`, { token: admin })).body).toEqual([]);
		});

		it.each(["status=pending", "status=voided", "status[$in]=charged"])("answers %s with a 422", async query => {
			expect((await http.get(`${api}/payments?${query}`, { token: admin })).status).toBe(422);
		});
	});

	describe("an order's messages, and the admin's cancel", () => {
		it("an admin reads the messages of anyone's order; a shopper only their own", async () => {
			const path = `${api}/notifications?orderId=${orders.ann2.id}`;
			const [message] = await waitFor(async () => (await http.get(path, { token: admin })).body as any[], list => list.length === 1, { what: "the admin reads Ann's confirmation" });
			expect(message).toMatchObject({ orderId: orders.ann2.id, type: "order.confirmed" });
			expect((await http.get(path, { token: bob.token })).body).toEqual([]);
			expect((await http.get(path, { token: ann.token })).body).toEqual([message]);
			// Without orderId the list is still the caller's own, admin or not.
			expect((await http.get(`${api}/notifications`, { token: admin })).body).toEqual([]);
		});

		it.each([`orderId=${"x".repeat(101)}`, "orderId[$ne]=x", "orderId="])("answers %s with a 422", async query => {
			expect((await http.get(`${api}/notifications?${query}`, { token: admin })).status).toBe(422);
		});

		it("an admin cancels a shopper's order: refunded, and the shopper is told", async () => {
			const res = await http.post(`${api}/orders/${orders.ann1.id}/cancel`, undefined, { token: admin });
			expect(res.status).toBe(200);
			expect(res.body).toMatchObject({ id: orders.ann1.id, userId: ann.id, status: "cancelled", payment: { status: "refunded" } });
			const charges = (await http.get(`${api}/payments?orderId=${orders.ann1.id}`, { token: admin })).body;
			expect(charges).toEqual([expect.objectContaining({ status: "refunded" })]);
			await waitFor(
				async () => (await http.get(`${api}/notifications?orderId=${orders.ann1.id}`, { token: ann.token })).body as any[],
				list => list.some(n => n.type === "order.cancelled"),
				{ what: "Ann is told of the cancellation" },
			);
		});
	});
});
