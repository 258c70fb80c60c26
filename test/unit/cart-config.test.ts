import { loadConfig } from "../../lib/config";

describe("CART_STORE", () => {
	const saved = process.env.CART_STORE;
	afterEach(() => {
		if (saved === undefined) delete process.env.CART_STORE;
		else process.env.CART_STORE = saved;
	});

	it("keeps carts in the shop's own store when unset", () => {
		delete process.env.CART_STORE;
		expect(loadConfig().cartStore).toBeNull();
	});

	it("takes a Redis URL with its database", () => {
		process.env.CART_STORE = "redis://redis:6379/2";
		expect(loadConfig().cartStore).toBe("redis://redis:6379/2");
		process.env.CART_STORE = "rediss://user:secret@redis.example:6380/0";
		expect(loadConfig().cartStore).toBe("rediss://user:secret@redis.example:6380/0");
	});

	it("stops the start on anything else, saying what it wants", () => {
		for (const bad of ["redis", "mongodb://db/cart", "http://redis:6379", "redis://two words"]) {
			process.env.CART_STORE = bad;
			expect(() => loadConfig()).toThrow(/CART_STORE must be a redis:\/\/ or rediss:\/\/ URL/);
		}
	});
});
