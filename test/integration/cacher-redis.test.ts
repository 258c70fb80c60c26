// CACHER=redis://…: the cluster's shared cache, against a real Redis (test/support/redis.ts;
// never skipped). Two nodes on the Fake transporter share answers through it, entries expire
// with their action's TTL, and a clean on one node removes them for all. Every key of this
// run lives under its own namespace's prefix, removed at the end.
import crypto from "node:crypto";
import Redis from "ioredis";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { cacherOption } from "../../lib/cacher";
import { createBroker } from "../support/broker";
import { findOrStartRedis, type TestRedis } from "../support/redis";

const namespace = `cacher-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
/** Moleculer's Redis cacher prefixes every key with MOL-<namespace>-. */
const prefix = `MOL-${namespace}-`;

function pricesService(calls: string[]): ServiceSchema {
	return {
		name: "prices",
		actions: {
			quote: {
				cache: { keys: ["sku"], ttl: 60 },
				params: { sku: "string" },
				handler(ctx) {
					calls.push(ctx.nodeID ?? "?");
					return { sku: (ctx.params as { sku: string }).sku, cents: 1_999 };
				},
			},
		},
	};
}

describe("the Redis cacher", () => {
	let redis: Redis;
	let one: ServiceBroker;
	let two: ServiceBroker;
	const callsOne: string[] = [];
	const callsTwo: string[] = [];

	let server: TestRedis;

	beforeAll(async () => {
		server = await findOrStartRedis();
		const url = server.url;
		redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
		await redis.connect();
		const cacher = cacherOption({ cacher: url, cacheMax: 10 });
		expect(cacher).toBe(url); // a URL is Moleculer's Redis cacher, as a node configures it
		one = createBroker({ namespace, nodeID: `${namespace}-one`, transporter: "Fake", cacher });
		two = createBroker({ namespace, nodeID: `${namespace}-two`, transporter: "Fake", cacher });
		one.createService(pricesService(callsOne));
		two.createService(pricesService(callsTwo));
		await Promise.all([one.start(), two.start()]);
	});

	afterAll(async () => {
		await Promise.all([one?.stop(), two?.stop()]);
		const keys = await redis.keys(`${prefix}*`);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
		await server.stop();
	});

	it("stores an answer in Redis under the namespace's prefix, with the action's TTL", async () => {
		expect(await one.call("prices.quote", { sku: "a" }, { nodeID: one.nodeID })).toEqual({ sku: "a", cents: 1_999 });
		const keys = await redis.keys(`${prefix}prices.quote:*`);
		expect(keys).toHaveLength(1);
		const ttl = await redis.ttl(keys[0]);
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(60);
	});

	it("serves the answer to every node: the second node does not compute it again", async () => {
		const before = callsOne.length + callsTwo.length;
		expect(await two.call("prices.quote", { sku: "a" }, { nodeID: two.nodeID })).toEqual({ sku: "a", cents: 1_999 });
		expect(await one.call("prices.quote", { sku: "a" }, { nodeID: one.nodeID })).toEqual({ sku: "a", cents: 1_999 });
		expect(callsOne.length + callsTwo.length).toBe(before);
	});

	it("forgets an answer for every node when one node cleans it", async () => {
		await one.cacher!.clean("prices.**");
		expect(await redis.keys(`${prefix}prices.quote:*`)).toHaveLength(0);
		const before = callsTwo.length;
		await two.call("prices.quote", { sku: "a" }, { nodeID: two.nodeID });
		expect(callsTwo.length).toBe(before + 1);
	});
});
