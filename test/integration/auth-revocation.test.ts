// Sign-out and role changes take effect across the cluster within the bound: two gateways and the
// users service on three nodes (Moleculer's Fake transporter). A token revoked through one gateway
// is refused there at once and at the other one within its token-check interval.
import { performance } from "node:perf_hooks";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { createBroker, gatewayUrl } from "../support/broker";
import { http } from "../support/http";
import { CHEAP_PASSWORD_COST } from "../support/shop";

const TOKEN_CHECK_MS = 300;
const ADMIN = { email: "chief@shop.test", password: "chief-password-0123" };
const namespace = `revoke-${process.pid}-${Date.now()}`;

const Api = { name: "api", mixins: [ApiService], settings: { tokenCheckMs: TOKEN_CHECK_MS } } as ServiceSchema;
const Users = { name: "users", mixins: [UsersService], settings: { adminEmail: ADMIN.email, adminPassword: ADMIN.password, passwordCost: CHEAP_PASSWORD_COST } } as ServiceSchema;

const brokers: ServiceBroker[] = [];
let a: string; // gateway A
let b: string; // gateway B
let seq = 0;

async function node(schema: ServiceSchema): Promise<ServiceBroker> {
	const broker = createBroker({ transporter: "Fake", namespace });
	broker.createService(schema);
	brokers.push(broker);
	return broker;
}

beforeAll(async () => {
	const nodes = [await node(Users), await node(Api), await node(Api)];
	await Promise.all(nodes.map(n => n.start()));
	await Promise.all(nodes.map(n => n.waitForServices(["users", "api"])));
	a = `${gatewayUrl(nodes[1])}/api`;
	b = `${gatewayUrl(nodes[2])}/api`;
});
afterAll(() => Promise.all(brokers.map(n => n.stop())));

async function signIn(base: string, credentials: { email: string; password: string }): Promise<{ token: string; id: string }> {
	const res = await http.post(`${base}/auth/login`, { email: credentials.email, password: credentials.password });
	expect(res.status).toBe(200);
	return { token: res.body.token, id: res.body.user.id };
}

async function newCustomer(): Promise<{ email: string; password: string; token: string; id: string }> {
	const account = { email: `revoked${++seq}.${Date.now()}@example.com`, password: `customer password ${seq}`, name: `Customer ${seq}` };
	const res = await http.post(`${a}/auth/register`, account);
	expect(res.status).toBe(201);
	return { ...account, token: res.body.token, id: res.body.user.id };
}

/** Ms until `path` at `base` stops answering 200 for `token`, polled; fails past `limitMs`. */
async function refusedWithin(base: string, path: string, token: string, limitMs: number): Promise<{ ms: number; status: number }> {
	const started = performance.now();
	for (;;) {
		const res = await http.get(`${base}${path}`, { token });
		const ms = performance.now() - started;
		if (res.status !== 200) return { ms, status: res.status };
		if (ms > limitMs) throw new Error(`still 200 after ${ms.toFixed(0)} ms`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

// First: the next test demotes the configured admin.
it("only an admin changes roles; an unknown user is a 404 and an unknown role a 422", async () => {
	const customer = await newCustomer();
	const chief = await signIn(a, ADMIN);
	expect((await http.put(`${a}/users/${customer.id}/role`, { role: "admin" }, { token: customer.token })).status).toBe(403);
	expect((await http.put(`${a}/users/nobody/role`, { role: "admin" }, { token: chief.token })).status).toBe(404);
	expect((await http.put(`${a}/users/${customer.id}/role`, { role: "root" }, { token: chief.token })).status).toBe(422);
});

it("a demoted admin loses admin rights at every gateway within the token-check interval", async () => {
	// A second admin, made by the first, demotes the first.
	const chief = await signIn(a, ADMIN);
	const deputy = await newCustomer();
	expect((await http.put(`${a}/users/${deputy.id}/role`, { role: "admin" }, { token: chief.token })).body).toMatchObject({ id: deputy.id, role: "admin" });
	const deputyAdmin = await signIn(a, deputy);
	expect((await http.get(`${b}/ops/cluster`, { token: chief.token })).status).toBe(200); // B now knows chief's version

	const demoted = await http.put(`${a}/users/${chief.id}/role`, { role: "customer" }, { token: deputyAdmin.token });
	expect(demoted.body).toMatchObject({ id: chief.id, role: "customer" });

	const atB = await refusedWithin(b, "/ops/cluster", chief.token, TOKEN_CHECK_MS + 2_000);
	expect(atB.status).toBe(401);
	expect((await http.get(`${a}/ops/cluster`, { token: chief.token })).status).toBe(401);
	// Signed in again, the former admin is a customer.
	const again = await signIn(b, ADMIN);
	expect((await http.get(`${b}/ops/cluster`, { token: again.token })).status).toBe(403);
});

it("signing out refuses the token at the gateway it went through at once, and at the others within the interval", async () => {
	const customer = await newCustomer();
	expect((await http.get(`${b}/auth/me`, { token: customer.token })).status).toBe(200);
	const out = await http.post(`${a}/auth/logout`, undefined, { token: customer.token });
	expect(out.status).toBe(204);

	expect((await http.get(`${a}/auth/me`, { token: customer.token })).status).toBe(401);
	const atB = await refusedWithin(b, "/auth/me", customer.token, TOKEN_CHECK_MS + 2_000);
	expect(atB.status).toBe(401);
	const fresh = await signIn(b, customer);
	expect((await http.get(`${a}/auth/me`, { token: fresh.token })).status).toBe(200);
});
