// The login throttle over HTTP: it triggers per account and per client, answers 429 with
// Retry-After, holds against parallel guesses, and lifts when its window ends (on a test clock).
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api.service";
import UsersService from "../../services/users.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

// Lower than the defaults (5 and 30) only so that the test hashes fewer passwords.
const LIMITS = { perAccount: 3, perClient: 5, windowMs: 15 * 60_000 };

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
	settings: { throttle: LIMITS, passwordCost: CHEAP_HASH },
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

const login = (email: string, password: string) => http.post(`${api}/api/auth/login`, { email, password });

function retryAfterSeconds(res: { headers: Headers }): number {
	return Number(res.headers.get("retry-after"));
}

beforeAll(async () => {
	broker = await startBroker([ApiService, UsersOnTestClock]);
	api = gatewayUrl(broker);
});

afterAll(() => broker.stop());

// Each test starts after every window of the one before has ended.
beforeEach(() => clock.advance(24 * 60 * 60_000));

describe("login throttle", () => {
	it("refuses an account after repeated failures, even with the right password, until the window ends", async () => {
		const victim = await newCustomer();
		const bystander = await newCustomer();
		for (let i = 0; i < LIMITS.perAccount; i++) expect((await login(victim.email, "a wrong guess")).status).toBe(401);

		// Another account from the same client is not held up by this one.
		expect((await login(bystander.email, bystander.password)).status).toBe(200);

		const refused = await login(victim.email, "another wrong guess");
		expect(refused.status).toBe(429);
		expect(refused.body).toMatchObject({ code: 429, type: "TOO_MANY_REQUESTS" });
		const wait = retryAfterSeconds(refused);
		expect(wait).toBeGreaterThan(0);
		expect(wait).toBeLessThanOrEqual(LIMITS.windowMs / 1000);
		expect(refused.body.data.retryAfter).toBe(wait);

		const rightButRefused = await login(victim.email.toUpperCase(), victim.password);
		expect(rightButRefused.status).toBe(429);
		expect(rightButRefused.body.token).toBeUndefined();

		clock.advance(wait * 1000 - 5_000);
		expect((await login(victim.email, victim.password)).status).toBe(429);
		clock.advance(5_000);
		const lifted = await login(victim.email, victim.password);
		expect(lifted.status).toBe(200);
		expect(lifted.body.token).toEqual(expect.any(String));
	});

	it("refuses a client that fails on many accounts, for every account, until the window ends", async () => {
		const customer = await newCustomer();
		for (let i = 0; i < LIMITS.perClient; i++) expect((await login(`nobody${seq}.${i}@example.com`, "a guess")).status).toBe(401);

		const refused = await login(customer.email, customer.password);
		expect(refused.status).toBe(429);
		clock.advance(retryAfterSeconds(refused) * 1000);
		expect((await login(customer.email, customer.password)).status).toBe(200);
	});

	it("does not count successful sign-ins against the account or the client", async () => {
		const customer = await newCustomer();
		for (let i = 0; i <= LIMITS.perClient; i++) expect((await login(customer.email, customer.password)).status).toBe(200);
	});

	it("starts an account afresh after a successful sign-in", async () => {
		const customer = await newCustomer();
		for (let i = 0; i < LIMITS.perAccount - 1; i++) expect((await login(customer.email, "wrong")).status).toBe(401);
		expect((await login(customer.email, customer.password)).status).toBe(200);
		expect((await login(customer.email, "wrong")).status).toBe(401);
	});

	it("lets no more guesses through than the limit when they all arrive at once", async () => {
		const victim = await newCustomer();
		const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(victim.email, `parallel guess ${i}`)));
		const statuses = answers.map(a => a.status);
		expect(statuses.every(s => s === 401 || s === 429)).toBe(true);
		expect(statuses.filter(s => s === 401).length).toBeLessThanOrEqual(LIMITS.perAccount);
		expect(statuses.filter(s => s === 429).length).toBeGreaterThanOrEqual(12 - LIMITS.perAccount);
	});
});
