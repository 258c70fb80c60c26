// The login throttle over HTTP, with clients at different addresses (each request leaves from its
// own loopback address, so the gateway sees them apart): an address is refused on an account it
// keeps failing on, or on every account once it fails on many, without shutting out the owner at
// another address; guessing from many addresses is slowed; 429s carry Retry-After; the limits
// hold against parallel guesses and lift when their windows end (on a test clock).
import { request } from "node:http";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

// Lower than the defaults (5, 30, 100) only so that the test hashes fewer passwords.
const LIMITS = { perPair: 3, perClient: 5, perAccount: 6, paceMs: 20_000, windowMs: 15 * 60_000, knownForMs: 30 * 24 * 60 * 60_000 };

const ADMIN = { email: "admin@shop.test", password: "the admin's password" };

const clock = {
	offset: 0,
	now: () => Date.now() + clock.offset,
	advance(ms: number) {
		clock.offset += ms;
	},
};

// What is counted does not depend on how slow the hash is: a cheap one keeps this file fast.
// (test/integration/auth-accounts.test.ts signs in at the real cost.)
const CHEAP_HASH = { N: 2 ** 12, r: 8, p: 1 };

const UsersOnTestClock = {
	name: "users",
	mixins: [UsersService],
	settings: { throttle: LIMITS, passwordCost: CHEAP_HASH, adminEmail: ADMIN.email, adminPassword: ADMIN.password },
	methods: { now: () => clock.now() },
} as ServiceSchema;

let broker: ServiceBroker;
let api: string;
let seq = 0;

async function newCustomer() {
	const account = { email: `throttled${++seq}@example.com`, password: `the right password ${seq}` };
	const res = await http.post(`${api}/api/auth/register`, { ...account, name: "T" });
	expect(res.status).toBe(201);
	return account;
}

interface Answer {
	status: number;
	/** The Retry-After header, in seconds (NaN without one). */
	retryAfter: number;
	body: any;
}

/** POST /api/auth/login from the loopback address `from` (127.0.0.0/8 all reaches this machine). */
function login(from: string, email: string, password: string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = request(`${api}/api/auth/login`, { method: "POST", localAddress: from, agent: false, headers: { "content-type": "application/json" } }, res => {
			let text = "";
			res.setEncoding("utf8");
			res.on("data", (chunk: string) => (text += chunk));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"]), body: JSON.parse(text) }));
		});
		req.on("error", reject);
		req.end(JSON.stringify({ email, password }));
	});
}

const ATTACKER = "127.0.0.2";
const OWNER = "127.0.0.3";

beforeAll(async () => {
	broker = await startBroker([ApiService, UsersOnTestClock]);
	api = gatewayUrl(broker);
});

afterAll(() => broker.stop());

// Each test starts after every window of the one before has ended.
beforeEach(() => clock.advance(24 * 60 * 60_000));

describe("login throttle", () => {
	it("refuses an address that keeps failing on an account, even with the right password, until the window ends", async () => {
		const victim = await newCustomer();
		const bystander = await newCustomer();
		for (let i = 0; i < LIMITS.perPair; i++) expect((await login(ATTACKER, victim.email, "a wrong guess")).status).toBe(401);

		// Another account from the same address is not held up by this one.
		expect((await login(ATTACKER, bystander.email, bystander.password)).status).toBe(200);

		const refused = await login(ATTACKER, victim.email, "another wrong guess");
		expect(refused.status).toBe(429);
		expect(refused.body).toMatchObject({ code: 429, type: "TOO_MANY_REQUESTS" });
		expect(refused.retryAfter).toBeGreaterThan(0);
		expect(refused.retryAfter).toBeLessThanOrEqual(LIMITS.windowMs / 1000);
		expect(refused.body.data.retryAfter).toBe(refused.retryAfter);

		const rightButRefused = await login(ATTACKER, victim.email.toUpperCase(), victim.password);
		expect(rightButRefused.status).toBe(429);
		expect(rightButRefused.body.token).toBeUndefined();

		clock.advance(refused.retryAfter * 1000 - 5_000);
		expect((await login(ATTACKER, victim.email, victim.password)).status).toBe(429);
		clock.advance(5_000);
		const lifted = await login(ATTACKER, victim.email, victim.password);
		expect(lifted.status).toBe(200);
		expect(lifted.body.token).toEqual(expect.any(String));
	});

	it("does not let failures from one address keep the owner, the admin included, from signing in at another", async () => {
		const customer = await newCustomer();
		for (const email of [ADMIN.email, customer.email]) {
			for (let i = 0; i < 3 * LIMITS.perPair; i++) expect([401, 429]).toContain((await login(ATTACKER, email, `guess ${i}`)).status);
			expect((await login(ATTACKER, email, "one more guess")).status).toBe(429);
		}
		for (let i = 0; i < LIMITS.perClient; i++) await login(ATTACKER, `nobody${seq}.${i}@example.com`, "a guess");

		const admin = await login(OWNER, ADMIN.email, ADMIN.password);
		expect(admin.status).toBe(200);
		expect(admin.body.user.role).toBe("admin");
		expect((await login(OWNER, customer.email, customer.password)).status).toBe(200);
		// The owner's address is open also for a typo or two.
		expect((await login(OWNER, ADMIN.email, "a typo")).status).toBe(401);
		expect((await login(OWNER, ADMIN.email, ADMIN.password)).status).toBe(200);
		// While the attacker's stays closed, even to the right password.
		expect((await login(ATTACKER, ADMIN.email, ADMIN.password)).status).toBe(429);
	});

	it("refuses an address that fails on many accounts, except on accounts signed in to from there, until the window ends", async () => {
		const regular = await newCustomer();
		const newcomer = await newCustomer();
		expect((await login(ATTACKER, regular.email, regular.password)).status).toBe(200);
		for (let i = 0; i < LIMITS.perClient; i++) expect((await login(ATTACKER, `nobody${seq}.${i}@example.com`, "a guess")).status).toBe(401);

		const refused = await login(ATTACKER, newcomer.email, newcomer.password);
		expect(refused.status).toBe(429);
		expect((await login(ATTACKER, regular.email, regular.password)).status).toBe(200);
		expect((await login(OWNER, newcomer.email, newcomer.password)).status).toBe(200);

		clock.advance(refused.retryAfter * 1000);
		expect((await login(ATTACKER, newcomer.email, newcomer.password)).status).toBe(200);
	});

	it("does not count successful sign-ins against the account or the address", async () => {
		const customer = await newCustomer();
		for (let i = 0; i <= LIMITS.perClient; i++) expect((await login(OWNER, customer.email, customer.password)).status).toBe(200);
	});

	it("starts an address afresh on an account after a successful sign-in there", async () => {
		const customer = await newCustomer();
		for (let i = 0; i < LIMITS.perPair - 1; i++) expect((await login(OWNER, customer.email, "wrong")).status).toBe(401);
		expect((await login(OWNER, customer.email, customer.password)).status).toBe(200);
		for (let i = 0; i < LIMITS.perPair; i++) expect((await login(OWNER, customer.email, "wrong")).status).toBe(401);
	});

	it("lets no more guesses from one address through than the limit when they all arrive at once", async () => {
		const victim = await newCustomer();
		const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(ATTACKER, victim.email, `parallel guess ${i}`)));
		const statuses = answers.map(a => a.status);
		expect(statuses.every(s => s === 401 || s === 429)).toBe(true);
		expect(statuses.filter(s => s === 401).length).toBeLessThanOrEqual(LIMITS.perPair);
		expect(statuses.filter(s => s === 429).length).toBeGreaterThanOrEqual(12 - LIMITS.perPair);
	});

	it("slows guessing from many addresses to one password check at a time, but never the owner's usual address", async () => {
		const victim = await newCustomer();
		expect((await login(OWNER, victim.email, victim.password)).status).toBe(200);
		// Under each address's own limits, over the account's ceiling between them.
		for (let i = 0; i < LIMITS.perAccount; i++) expect((await login(`127.0.1.${i + 1}`, victim.email, "a guess")).status).toBe(401);
		expect((await login("127.0.2.1", victim.email, "a guess")).status).toBe(401);

		const slowed = await login("127.0.2.2", victim.email, "a guess");
		expect(slowed.status).toBe(429);
		expect(slowed.retryAfter).toBeGreaterThan(0);
		expect(slowed.retryAfter).toBeLessThanOrEqual(LIMITS.paceMs / 1000);

		expect((await login(OWNER, victim.email, victim.password)).status).toBe(200);

		// At an address new to the account, the owner waits the short turn (and the 429s on the way
		// do not count as failures), then gets in.
		const TRAVELLING = "127.0.3.1";
		for (let i = 0; i < 2 * LIMITS.perPair; i++) expect((await login(TRAVELLING, victim.email, victim.password)).status).toBe(429);
		clock.advance(slowed.retryAfter * 1000);
		expect((await login(TRAVELLING, victim.email, victim.password)).status).toBe(200);
	});
});
