import { clientKey, LoginThrottle, type CounterDoc } from "../../lib/auth/throttle";
import { createAdapter, type Store } from "../../mixins/db.mixin";
import { TooManyRequestsError } from "../../lib/errors";

type TestStore = Store<CounterDoc> & { init(b: unknown, s: unknown): void; connect(): Promise<void>; disconnect(): Promise<void> };

const LIMITS = { perAccount: 3, perClient: 5, windowMs: 60_000 };

let store: TestStore;
let now: number;
let throttle: LoginThrottle;

beforeEach(async () => {
	store = createAdapter("users", "login_failures") as unknown as TestStore;
	store.init(null, null);
	await store.connect();
	now = 1_000_000;
	throttle = new LoginThrottle(store, LIMITS, () => now);
});

afterEach(() => store.disconnect());

async function refusal(attempt: Promise<unknown>): Promise<TooManyRequestsError | null> {
	try {
		await attempt;
		return null;
	} catch (err) {
		if (err instanceof TooManyRequestsError) return err;
		throw err;
	}
}

describe("LoginThrottle", () => {
	it("refuses an account once its failures pass the limit, and says how long to wait", async () => {
		for (let i = 0; i < LIMITS.perAccount; i++) await throttle.begin("ann@example.com", `10.0.0.${i}`);
		now += 10_000;
		const err = await refusal(throttle.begin("ann@example.com", "10.0.0.99"));
		expect(err).toBeInstanceOf(TooManyRequestsError);
		expect(err?.code).toBe(429);
		expect(err?.data).toEqual({ retryAfter: 50 });
	});

	it("lifts exactly when the window that began with the first failure ends", async () => {
		for (let i = 0; i <= LIMITS.perAccount; i++) await refusal(throttle.begin("ann@example.com", null));
		now += LIMITS.windowMs - 1;
		expect(await refusal(throttle.begin("ann@example.com", null))).not.toBeNull();
		now += 1;
		expect(await refusal(throttle.begin("ann@example.com", null))).toBeNull();
	});

	it("refuses a client failing on many accounts, for any account", async () => {
		for (let i = 0; i < LIMITS.perClient; i++) await throttle.begin(`user${i}@example.com`, "203.0.113.7");
		expect(await refusal(throttle.begin("fresh@example.com", "203.0.113.7"))).not.toBeNull();
		expect(await refusal(throttle.begin("fresh@example.com", "203.0.113.8"))).toBeNull();
	});

	it("lets no more attempts through than the limit when they all start at once", async () => {
		const results = await Promise.all(Array.from({ length: 20 }, () => refusal(throttle.begin("ann@example.com", null))));
		// Each attempt reads the count after its own increment, which others may have raised since:
		// under a burst, fewer than the limit may pass, never more.
		const passed = results.filter(r => r === null).length;
		expect(passed).toBeGreaterThanOrEqual(1);
		expect(passed).toBeLessThanOrEqual(LIMITS.perAccount);
	});

	it("forgets an account's failures after a success, and does not count the success against the client", async () => {
		await throttle.begin("ann@example.com", "198.51.100.1");
		await throttle.begin("ann@example.com", "198.51.100.1");
		await throttle.succeeded(await throttle.begin("ann@example.com", "198.51.100.1"));
		for (let i = 0; i < LIMITS.perAccount; i++) expect(await refusal(throttle.begin("ann@example.com", "198.51.100.2"))).toBeNull();

		for (let i = 0; i < 3 * LIMITS.perClient; i++) await throttle.succeeded(await throttle.begin(`bob${i}@example.com`, "198.51.100.3"));
		expect(await refusal(throttle.begin("carol@example.com", "198.51.100.3"))).toBeNull();
	});

	it("keeps neither emails nor addresses in its store, and drops ended windows", async () => {
		await throttle.begin("ann@example.com", "192.0.2.1");
		const docs = await store.find({});
		expect(docs).toHaveLength(2);
		expect(JSON.stringify(docs)).not.toMatch(/ann|example|192\.0/);

		now += LIMITS.windowMs;
		expect(await throttle.sweep()).toBe(2);
		expect(await store.count()).toBe(0);
	});
});

describe("clientKey", () => {
	it("counts an IPv4 address as itself, also when it arrives IPv6-mapped", () => {
		expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
		expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
	});

	it("counts a whole IPv6 /64 as one client, however the address is written", () => {
		const key = clientKey("2001:db8:aa:bb:1:2:3:4");
		expect(key).toBe("2001:db8:aa:bb::/64");
		expect(clientKey("2001:0db8:00aa:00bb::9")).toBe(key);
		expect(clientKey("2001:DB8:AA:BB:ffff:ffff:ffff:ffff%eth0")).toBe(key);
		expect(clientKey("2001:db8:aa:bc::1")).not.toBe(key);
		expect(clientKey("::1")).toBe("0:0:0:0::/64");
		expect(clientKey("2001:db8::")).toBe("2001:db8:0:0::/64");
	});
});
