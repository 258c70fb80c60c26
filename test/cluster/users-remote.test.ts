// Accounts with the users service in one node process and the gateway in another, over NATS:
// the gateway checks tokens on its own and reads each remote action's `auth` from the registry.
import { TestCluster } from "../support/cluster";
import { http } from "../support/http";

const ADMIN = { email: "root@shop.test", password: "cluster admin password" };
const customer = { email: "Remote.Shopper@example.com", password: "a remote password", name: "Remy" };

const cluster = new TestCluster();
let api: string;

beforeAll(async () => {
	await cluster.start();
	await cluster.startNode("users", { services: ["users"], env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
	await cluster.startNode("gw", { services: ["api"] });
	api = cluster.url("gw");
	// Routable once the gateway has discovered the users node (until then: 503).
	await cluster.waitFor(async () => (await http.get(`${api}/api/auth/me`)).status === 401, 15_000, "the gateway to see the users service");
}, 60_000);

afterAll(() => cluster.stop());

describe("users on another node than the gateway", () => {
	it("registers, signs in and answers me", async () => {
		const reg = await http.post(`${api}/api/auth/register`, customer);
		expect(reg.status).toBe(201);
		expect(reg.body.user).toMatchObject({ email: customer.email.toLowerCase(), role: "customer" });

		const login = await http.post(`${api}/api/auth/login`, { email: customer.email, password: customer.password }, { headers: { "x-cart-id": "guest-cart" } });
		expect(login.status).toBe(200); // no cart service anywhere in this cluster: the sign-in goes on without the merge

		const me = await http.get(`${api}/api/auth/me`, { token: login.body.token });
		expect(me.status).toBe(200);
		expect(me.body).toEqual(reg.body.user);
	});

	it("enforces the auth each remote action declares, and the roles the users node put in the token", async () => {
		expect((await http.get(`${api}/api/auth/me`)).status).toBe(401);

		const { body: asCustomer } = await http.post(`${api}/api/auth/login`, { email: customer.email, password: customer.password });
		expect((await http.get(`${api}/api/ops/cluster`, { token: asCustomer.token })).status).toBe(403);

		const asAdmin = await http.post(`${api}/api/auth/login`, { email: ADMIN.email, password: ADMIN.password });
		expect(asAdmin.status).toBe(200);
		expect(asAdmin.body.user.role).toBe("admin");
		const view = await http.get(`${api}/api/ops/cluster`, { token: asAdmin.body.token });
		expect(view.status).toBe(200);
		expect(view.body.nodes.map((n: { id: string }) => n.id)).toContain(cluster.node("users").nodeID);
	});

	it("does not tell the other nodes the admin password", () => {
		const services = cluster.observer.registry.getServiceList({}) as { name: string; settings?: Record<string, unknown> }[];
		const users = services.find(s => s.name === "users");
		expect(users?.settings?.adminEmail).toBe(ADMIN.email);
		expect(JSON.stringify(users)).not.toContain(ADMIN.password);
	});

	it("brings the users node's errors across intact: 409, 422 with fields, 429 with Retry-After", async () => {
		const taken = await http.post(`${api}/api/auth/register`, { ...customer, email: customer.email.toUpperCase() });
		expect(taken.status).toBe(409);

		const invalid = await http.post(`${api}/api/auth/register`, { email: "nope", password: "short", name: "n" });
		expect(invalid.status).toBe(422);
		expect(invalid.body.data.map((p: { field: string }) => p.field).sort()).toEqual(["email", "password"]);

		const victim = { email: "victim@example.com", password: "victim's password" };
		expect((await http.post(`${api}/api/auth/register`, { ...victim, name: "V" })).status).toBe(201);
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await http.post(`${api}/api/auth/login`, { email: victim.email, password: "guess" })).status);
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
		const refused = await http.post(`${api}/api/auth/login`, victim);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
	});
});
