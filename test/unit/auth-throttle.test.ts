import { clientKey, LoginThrottle, type CounterDoc } from "../../services/users/throttle";
import { createAdapter, type Store } from "../../mixins/db.mixin";
import { TooManyRequestsError } from "../../lib/errors";

type TestStore = Store<CounterDoc> & { init(b: unknown, s: unknown): void; connect(): Promise<void>; disconnect(): Promise<void> };

const LIMITS = { perPair: 3, perClient: 5, perAccount: 6, paceMs: 10_000, windowMs: 60_000, knownForMs: 10 * 60_000 };

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

/** A right password: the attempt is let through and reported a success. */
async function signIn(email: string, ip: string): Promise<void> {
	await throttle.succeeded(await throttle.begin(email, ip));
}

/** Failures on `email` from as many addresses as it takes, each under its own limits, until the account's ceiling. */
async function guessFromManyAddresses(email: string): Promise<void> {
	for (let i = 0; i < LIMITS.perAccount; i++) expect(await refusal(throttle.begin(email, `10.9.${i}.1`))).toBeNull();
}

describe("LoginThrottle", () => {
	it("refuses a client that keeps failing on one account, and says how long to wait", async () => {
		for (let i = 0; i < LIMITS.perPair; i++) await throttle.begin("ann@example.com", "10.0.0.1");
		now += 10_000;
		const err = await refusal(throttle.begin("ann@example.com", "10.0.0.1"));
		expect(err).toBeInstanceOf(TooManyRequestsError);
		expect(err?.code).toBe(429);
		expect(err?.data).toEqual({ retryAfter: 50 });
	});

	it("does not let an attacker's failures from one address stop the owner signing in from another", async () => {
		for (let i = 0; i < 4 * LIMITS.perPair; i++) await refusal(throttle.begin("admin@example.com", "203.0.113.66"));
		for (let i = 0; i < LIMITS.perClient; i++) await refusal(throttle.begin(`nobody${i}@example.com`, "203.0.113.66"));
		expect(await refusal(throttle.begin("admin@example.com", "203.0.113.66"))).not.toBeNull();

		for (let i = 0; i < LIMITS.perPair; i++) expect(await refusal(signIn("admin@example.com", "198.51.100.5"))).toBeNull();
		expect(await refusal(throttle.begin("admin@example.com", "198.51.100.5"))).toBeNull();
	});

	it("lifts exactly when the window that began with the first failure ends", async () => {
		for (let i = 0; i <= LIMITS.perPair; i++) await refusal(throttle.begin("ann@example.com", null));
		now += LIMITS.windowMs - 1;
		expect(await refusal(throttle.begin("ann@example.com", null))).not.toBeNull();
		now += 1;
		expect(await refusal(throttle.begin("ann@example.com", null))).toBeNull();
	});

	it("refuses a client failing on many accounts, except on the accounts it signed in to before", async () => {
		await signIn("bob@example.com", "203.0.113.7");
		for (let i = 0; i < LIMITS.perClient; i++) await throttle.begin(`user${i}@example.com`, "203.0.113.7");
		expect(await refusal(throttle.begin("fresh@example.com", "203.0.113.7"))).not.toBeNull();
		expect(await refusal(throttle.begin("fresh@example.com", "203.0.113.8"))).toBeNull();
		expect(await refusal(throttle.begin("bob@example.com", "203.0.113.7"))).toBeNull();
	});

	it("lets no more attempts through than the limit when they all start at once", async () => {
		const results = await Promise.all(Array.from({ length: 20 }, () => refusal(throttle.begin("ann@example.com", "10.0.0.1"))));
		// Each attempt reads the count after its own increment, which others may have raised since:
		// under a burst, fewer than the limit may pass, never more.
		const passed = results.filter(r => r === null).length;
		expect(passed).toBeGreaterThanOrEqual(1);
		expect(passed).toBeLessThanOrEqual(LIMITS.perPair);
	});

	it("past an account's ceiling, lets new addresses check one password at a time, with a short wait between", async () => {
		await guessFromManyAddresses("ann@example.com");
		expect(await refusal(throttle.begin("ann@example.com", "10.8.0.1"))).toBeNull();

		now += 4_000;
		const slowed = await refusal(throttle.begin("ann@example.com", "10.8.0.2"));
		expect(slowed?.data).toEqual({ retryAfter: 6 });
		now += 6_000;
		const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => refusal(throttle.begin("ann@example.com", `10.8.1.${i}`))));
		expect(burst.filter(r => r === null)).toHaveLength(1);
		expect(burst.filter(r => r !== null).every(r => r!.data.retryAfter <= LIMITS.paceMs / 1000)).toBe(true);
	});

	it("does not count a refused attempt, so an owner retrying after a 429 is not shut out by it", async () => {
		await guessFromManyAddresses("ann@example.com");
		await throttle.begin("ann@example.com", "10.8.0.1"); // takes the one check of this pace
		for (let i = 0; i < 3 * LIMITS.perPair; i++) expect(await refusal(throttle.begin("ann@example.com", "198.51.100.5"))).not.toBeNull();

		now += LIMITS.paceMs;
		expect(await refusal(signIn("ann@example.com", "198.51.100.5"))).toBeNull();
	});

	it("never slows an owner at an address they signed in from, until it is forgotten", async () => {
		await signIn("ann@example.com", "198.51.100.5");
		await guessFromManyAddresses("ann@example.com");
		await throttle.begin("ann@example.com", "10.8.0.1");
		expect(await refusal(throttle.begin("ann@example.com", "10.8.0.2"))).not.toBeNull();

		for (let i = 0; i < 3 * LIMITS.perPair; i++) expect(await refusal(signIn("ann@example.com", "198.51.100.5"))).toBeNull();

		now += LIMITS.knownForMs; // the guessing went on meanwhile
		await guessFromManyAddresses("ann@example.com");
		await throttle.begin("ann@example.com", "10.8.0.1");
		expect(await refusal(throttle.begin("ann@example.com", "198.51.100.5"))).not.toBeNull();
	});

	it("forgets a client's failures on an account after it signs in, and counts no success as a failure", async () => {
		await throttle.begin("ann@example.com", "198.51.100.1");
		await throttle.begin("ann@example.com", "198.51.100.1");
		await signIn("ann@example.com", "198.51.100.1");
		for (let i = 0; i < LIMITS.perPair; i++) expect(await refusal(throttle.begin("ann@example.com", "198.51.100.1"))).toBeNull();

		for (let i = 0; i < 3 * LIMITS.perClient; i++) await signIn(`bob${i}@example.com`, "198.51.100.3");
		expect(await refusal(throttle.begin("carol@example.com", "198.51.100.3"))).toBeNull();
		for (let i = 0; i < 3 * LIMITS.perAccount; i++) await signIn("dave@example.com", `198.51.${i}.4`);
		expect(await refusal(throttle.begin("dave@example.com", "198.51.100.9"))).toBeNull();
		expect(await refusal(throttle.begin("dave@example.com", "198.51.100.10"))).toBeNull();
	});

	it("keeps neither emails nor addresses in its store, and drops ended windows and forgotten clients", async () => {
		await throttle.begin("ann@example.com", "192.0.2.1");
		await signIn("bob@example.com", "192.0.2.2");
		const docs = await store.find({});
		// ann's failure on her pair, account and client; bob's account and client, at zero, and the mark that he signed in from there
		expect(docs).toHaveLength(6);
		expect(JSON.stringify(docs)).not.toMatch(/ann|bob|example|192\.0/);

		now += LIMITS.windowMs;
		expect(await throttle.sweep()).toBe(5);
		now += LIMITS.knownForMs;
		expect(await throttle.sweep()).toBe(1);
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
