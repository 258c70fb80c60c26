// The cart node with its carts in Redis (CART_STORE), as real processes on NATS: replaced by a
// new node with a fresh DATA_DIR (another machine, an empty volume), it still has every cart.
import { signToken } from "../../lib/tokens";
import { cartKeyPrefix } from "../../services/cart/redis-store";
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";
import { findOrStartRedis, type TestRedis } from "../support/redis";
import Redis from "ioredis";

const MUG = "prod-0001";
const TEE = "prod-0002";

describe("the cart on Redis across processes", () => {
	const cluster = new TestCluster();
	const token = signToken({ id: "user-redis", email: "redis@example.com", role: "customer" });
	let redis: TestRedis;
	let api: string;

	beforeAll(async () => {
		redis = await findOrStartRedis();
		await cluster.start();
		await Promise.all([
			cluster.startNode("gw", { services: ["api"] }),
			cluster.startNode("cart-a", { services: ["cart"], env: { CART_STORE: redis.url } }),
			cluster.startNode("products", { services: ["products"] }),
			cluster.startNode("inventory", { services: ["inventory"] }),
		]);
		api = `${cluster.url("gw")}/api`;
	}, 60_000);
	afterAll(async () => {
		await cluster.stop();
		const prefix = cartKeyPrefix(cluster.namespace);
		const client = new Redis(redis.url);
		const keys = await client.keys(`${prefix}*`);
		if (keys.length) await client.del(...keys);
		client.disconnect();
		await redis.stop();
	}, 30_000);

	it("keeps users' and guests' carts when the cart node is replaced by one with a fresh DATA_DIR", async () => {
		expect((await http.post(`${api}/cart/items`, { productId: MUG, quantity: 2 }, { token })).status).toBe(200);
		const guest = await http.post(`${api}/cart/items`, { productId: TEE, quantity: 1 });
		expect(guest.status).toBe(200);
		const cartId = guest.headers.get("x-cart-id")!;
		const before = { user: (await http.get(`${api}/cart`, { token })).body, guest: (await http.get(`${api}/cart`, { headers: { "x-cart-id": cartId } })).body };

		await cluster.stopNode("cart-a");
		// Another name: another DATA_DIR under the cluster's folder, empty.
		await cluster.startNode("cart-b", { services: ["cart"], env: { CART_STORE: redis.url } });
		await cluster.waitFor(async () => (await http.get(`${api}/cart`, { token })).status === 200, 15_000, "the new cart node to answer");

		expect((await http.get(`${api}/cart`, { token })).body).toEqual(before.user);
		const guestAfter = await http.get(`${api}/cart`, { headers: { "x-cart-id": cartId } });
		expect(guestAfter.body).toEqual(before.guest);
		expect(guestAfter.headers.get("x-cart-id")).toBe(cartId);
	}, 45_000);
});
