// The admin's list of every order comes a page at a time (GET /api/orders?all=true&page&pageSize),
// newest first, with the whole count in X-Total-Count: past NATS's 1 MB payload a list of
// everything would not travel at all.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import OrdersService from "../../services/orders/orders.service";
import { draftOrder } from "../../services/orders/draft";
import type { OrderDoc } from "../../services/orders/model";
import type { Order } from "../../services/orders/orders.contract";
import type { AuthUser } from "../../lib/meta";
import type { Store } from "../../mixins/db.mixin";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const admin: AuthUser = { id: "user-admin", email: "admin@example.com", role: "admin" };
const shopper: AuthUser = { id: "user-lister", email: "lister@example.com", role: "customer" };
const COUNT = 105;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A settled order of `user`, made `minute` minutes after T0. */
function order(n: number, user: AuthUser): OrderDoc {
	const id = `order-${String(n).padStart(4, "0")}`;
	const doc = draftOrder({
		id,
		user,
		items: [{ productId: "p1", name: "P1", unitPrice: 100, quantity: 1, lineTotal: 100 }],
		totals: { subtotal: 100, shippingCost: 0, total: 100 },
		currency: "USD",
		shippingAddress: { name: "A", street: "S", city: "C", postalCode: "1", country: "US" },
		cardNumber: "4242424242424242",
		idemKey: `none|${id}`,
		idemHash: "",
		idemExpiresAt: 0,
		lease: { owner: "test", until: 0, seq: 1 },
		now: new Date(T0 + n * 60_000).toISOString(),
	});
	const { sweepAt: _sweepAt, cartLock: _cartLock, ...settled } = doc;
	return { ...settled, status: "confirmed", open: false };
}

describe("the admin's list of every order", () => {
	let broker: ServiceBroker;
	let api: string;
	const list = (query: string, user = admin) => http.get<Order[]>(`${api}/orders?${query}`, { token: signToken(user) });

	beforeAll(async () => {
		broker = await startBroker([ApiService, OrdersService] as ServiceSchema[]);
		api = `${gatewayUrl(broker)}/api`;
		const store = (broker.getLocalService("orders") as unknown as { adapter: Store<OrderDoc> }).adapter;
		await store.insertMany(Array.from({ length: COUNT }, (_, i) => order(i + 1, i % 2 ? shopper : admin)));
	});
	afterAll(() => broker.stop());

	it("gives 100 orders by default, newest first, and the whole count in X-Total-Count", async () => {
		const res = await list("all=true");
		expect(res.status).toBe(200);
		expect(res.headers.get("x-total-count")).toBe(String(COUNT));
		expect(res.body).toHaveLength(100);
		expect(res.body[0].id).toBe("order-0105");
		expect(res.body[99].id).toBe("order-0006");
	});

	it("walks the pages: each order once, in order, the last page short", async () => {
		const seen: string[] = [];
		for (let page = 1; page <= 11; page++) {
			const res = await list(`all=true&page=${page}&pageSize=10`);
			expect(res.headers.get("x-total-count")).toBe(String(COUNT));
			expect(res.body).toHaveLength(page < 11 ? 10 : 5);
			seen.push(...res.body.map(o => o.id));
		}
		expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => `order-${String(COUNT - i).padStart(4, "0")}`));
		expect((await list("all=true&page=12&pageSize=10")).body).toEqual([]);
	});

	it("takes up to 500 a page", async () => {
		expect((await list("all=true&pageSize=500")).body).toHaveLength(COUNT);
	});

	it.each(["pageSize=0", "pageSize=501", "page=0", "page=-1", "pageSize=ten", "page=1.5"])("answers %s with a 422", async query => {
		const res = await list(`all=true&${query}`);
		expect(res.status).toBe(422);
	});

	it("shows a shopper only their own orders, and refuses them everyone's", async () => {
		const mine = await list("page=1&pageSize=5", shopper);
		expect(mine.status).toBe(200);
		expect(mine.headers.get("x-total-count")).toBe(String(Math.floor(COUNT / 2)));
		expect(mine.body.map(o => o.userId)).toEqual(Array(5).fill(shopper.id));
		expect((await list("all=true", shopper)).status).toBe(403);
	});
});
