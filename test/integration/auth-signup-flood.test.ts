// Password hashing cannot be used to starve the shop: 50 sign-ups at once, from one address or
// from fifty, leave a concurrent sign-in under a second; what cannot be served soon is refused
// at once (429 from the sign-up throttle, 503 from a full hash queue), each with Retry-After.
import { performance } from "node:perf_hooks";
import type { Middleware, ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

// A tenth of the real cost, so that one hash stays well under the second even on a busy machine;
// 50 of them in line still take seconds, as the real ones would.
const FLOOD_COST = { N: 2 ** 13, r: 8, p: 1 };
const SIGN_UPS_PER_CLIENT = 20;

let broker: ServiceBroker;
let api: string;
let seq = 0;
const account = () => ({ email: `flood${++seq}.${Date.now()}@example.com`, password: `flood password ${seq}`, name: `Flood ${seq}` });

beforeAll(async () => {
	const Users = { name: "users", mixins: [UsersService], settings: { passwordCost: FLOOD_COST, signUps: { perClient: SIGN_UPS_PER_CLIENT, windowMs: 15 * 60_000 } } } as ServiceSchema;
	broker = await startBroker([ApiService, Users] as ServiceSchema[], { middlewares: [CountSignUps] });
	api = `${gatewayUrl(broker)}/api`;
});
afterAll(() => broker.stop());

/** Counts the sign-ups that reached the users service (past the gateway's own work on them). */
let signUpsArrived = 0;
const CountSignUps = {
	name: "CountSignUps",
	localAction(next: (ctx: unknown) => Promise<unknown>, action: { name: string }) {
		return action.name === "users.register" ? (ctx: unknown) => (signUpsArrived++, next(ctx)) : next;
	},
} as unknown as Middleware;

/** Resolves once all `count` sign-ups have reached the users service, so the sign-in really arrives behind them. */
async function signUpsIn(count: number): Promise<void> {
	while (signUpsArrived < count) await new Promise(resolve => setImmediate(resolve));
}

it("keeps a sign-in under a second while 50 sign-ups from one address arrive at once", async () => {
	const owner = account();
	expect((await broker.call("users.register", owner, { meta: { clientIp: "192.0.2.1" } })) as object).toHaveProperty("token");

	signUpsArrived = 0;
	const flood = Array.from({ length: 50 }, () => http.post(`${api}/auth/register`, account()));
	await signUpsIn(50);
	const started = performance.now();
	const login = await http.post(`${api}/auth/login`, { email: owner.email, password: owner.password });
	const loginMs = performance.now() - started;
	const answers = await Promise.all(flood);

	expect(login.status).toBe(200);
	expect(loginMs).toBeLessThan(1_000);
	const statuses = answers.map(r => r.status);
	expect(new Set(statuses)).toEqual(new Set(statuses.filter(s => [201, 429, 503].includes(s))));
	expect(statuses.filter(s => s === 201).length).toBeGreaterThan(0);
	expect(statuses.filter(s => s === 201).length).toBeLessThanOrEqual(SIGN_UPS_PER_CLIENT);
	for (const refused of answers.filter(r => r.status !== 201)) expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
});

it("keeps a sign-in under a second while 50 sign-ups from 50 addresses arrive at once (the queue alone)", async () => {
	const owner = account();
	await broker.call("users.register", owner, { meta: { clientIp: "192.0.2.2" } });

	signUpsArrived = 0;
	const flood = Array.from({ length: 50 }, (_, i) =>
		broker.call("users.register", account(), { meta: { clientIp: `198.51.100.${i + 1}` } }).then(
			() => 201,
			(err: { code?: number; data?: { retryAfter?: number } }) => (err.code === 503 && err.data?.retryAfter ? 503 : (err.code ?? 500)),
		),
	);
	await signUpsIn(50);
	const started = performance.now();
	await broker.call("users.login", { email: owner.email, password: owner.password }, { meta: { clientIp: "192.0.2.2" } });
	const loginMs = performance.now() - started;
	const outcomes = await Promise.all(flood);

	expect(loginMs).toBeLessThan(1_000);
	expect(outcomes.filter(s => s !== 201 && s !== 503)).toEqual([]);
	expect(outcomes.filter(s => s === 503).length).toBeGreaterThan(0); // refused at once, not queued for seconds
});

it("refuses a client's sign-ups past the limit with 429 and Retry-After; another client still signs up", async () => {
	const from = { meta: { clientIp: "2001:db8:5::1" } };
	for (let i = 0; i < SIGN_UPS_PER_CLIENT; i++) await broker.call("users.register", account(), from);
	// Another address of the same /64 is the same client.
	await expect(broker.call("users.register", account(), { meta: { clientIp: "2001:db8:5::ffff" } })).rejects.toMatchObject({
		code: 429,
		data: { retryAfter: expect.any(Number) },
	});
	await expect(broker.call("users.register", account(), { meta: { clientIp: "2001:db8:6::1" } })).resolves.toHaveProperty("token");
});
