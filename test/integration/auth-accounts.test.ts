// Accounts over real HTTP through the gateway: register, login, me, the first admin, and what
// the answers must never contain.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { Errors } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http, request, type JsonResponse } from "../support/http";
import type { MergeResult } from "../../services/cart/cart.contract";

const ADMIN = { email: "Boss@Shop.test", password: "admin-password-0123" };

/** A stand-in for the cart service (written elsewhere): records merges, or fails, or hangs until released. */
const merges: { guestCartId: string; userId: string }[] = [];
let cartBehaviour: "ok" | "fail" | "hang" = "ok";
let releaseHungMerges: () => void = () => undefined;
const CartDouble: ServiceSchema = {
	name: "cart",
	actions: {
		async merge(ctx) {
			merges.push(ctx.params);
			if (cartBehaviour === "fail") throw new Errors.MoleculerServerError("cart store is broken", 500, "CART_BROKEN");
			if (cartBehaviour === "hang") await new Promise<void>(resolve => (releaseHungMerges = resolve));
			const result: MergeResult = { merged: true, lines: [], capped: [] };
			return result;
		},
	},
};

// A cheap hash keeps this file fast; nothing here depends on the cost. The real cost is what
// auth-login-timing.test.ts and the cluster test sign in with.
const CHEAP_HASH = { N: 2 ** 12, r: 8, p: 1 };

const UsersWithAdmin = {
	name: "users",
	mixins: [UsersService],
	settings: { adminEmail: ADMIN.email, adminPassword: ADMIN.password, passwordCost: CHEAP_HASH },
} as ServiceSchema;

let broker: ServiceBroker;
let api: string;
let seq = 0;

/** A fresh account's credentials; every test makes its own so that none depends on another. */
function newAccount(name = "Ann Example") {
	seq++;
	return { email: `shopper${seq}.${Date.now()}@example.com`, password: `correct horse ${seq} battery`, name };
}

async function register(account = newAccount(), headers?: Record<string, string>) {
	const res = await http.post(`${api}/api/auth/register`, account, { headers });
	expect(res.status).toBe(201);
	return { ...account, id: res.body.user.id as string, token: res.body.token as string };
}

beforeAll(async () => {
	broker = await startBroker([ApiService, UsersWithAdmin, CartDouble] as ServiceSchema[]);
	api = gatewayUrl(broker);
});

afterAll(() => broker.stop());

beforeEach(() => {
	cartBehaviour = "ok";
	merges.length = 0;
});

describe("register, login, me", () => {
	it("registers a customer who can then sign in and ask who they are", async () => {
		const account = newAccount();
		const reg = await http.post(`${api}/api/auth/register`, { ...account, email: `  ${account.email.toUpperCase()} ` });
		expect(reg.status).toBe(201);
		expect(reg.headers.get("location")).toBe("/api/auth/me"); // a 201 says where the new resource is
		expect(Object.keys(reg.body).sort()).toEqual(["token", "user"]);
		expect(reg.body.user).toEqual({ id: expect.any(String), email: account.email, name: account.name, role: "customer", createdAt: expect.any(String) });
		expect(new Date(reg.body.user.createdAt).toISOString()).toBe(reg.body.user.createdAt);

		const login = await http.post(`${api}/api/auth/login`, { email: account.email.toUpperCase(), password: account.password });
		expect(login.status).toBe(200);
		expect(login.body.user).toEqual(reg.body.user);

		for (const token of [reg.body.token, login.body.token]) {
			const me = await http.get(`${api}/api/auth/me`, { token });
			expect(me.status).toBe(200);
			expect(me.body).toEqual(reg.body.user);
		}
	});

	it("refuses a second account for the same email, whatever its case", async () => {
		const first = await register();
		const again = await http.post(`${api}/api/auth/register`, { ...newAccount(), email: ` ${first.email.toUpperCase()}` });
		expect(again.status).toBe(409);
		expect(again.body).toMatchObject({ code: 409, type: "EMAIL_TAKEN" });

		// The original password still signs in: the refused registration changed nothing.
		const login = await http.post(`${api}/api/auth/login`, { email: first.email, password: first.password });
		expect(login.status).toBe(200);
		expect(login.body.user.id).toBe(first.id);
	});

	it("lets exactly one of several simultaneous registrations of an email win", async () => {
		const email = newAccount().email;
		const attempts = await Promise.all(
			["a", "b", "c"].map(suffix => http.post(`${api}/api/auth/register`, { email: suffix === "b" ? email.toUpperCase() : email, password: `password-${suffix}-123`, name: suffix })),
		);
		expect(attempts.map(r => r.status).sort()).toEqual([201, 409, 409]);
	});

	it("refuses an address that would mail someone else too (separators, line breaks, a second '@') with a 422", async () => {
		for (const email of ["eve@x.test,victim@y.test", "eve@x.test;victim@y.test", "eve@x.test\r\nBcc: victim@y.test", "eve@x.test victim@y.test", "eve@victim@y.test"]) {
			const res = await http.post(`${api}/api/auth/register`, { ...newAccount(), email });
			expect({ email, status: res.status, fields: res.body.data?.map((p: { field: string }) => p.field) }).toEqual({ email, status: 422, fields: ["email"] });
		}
	});

	it("lists every invalid field in one 422", async () => {
		const res = await http.post(`${api}/api/auth/register`, { email: "not-an-email", password: "short", name: "" });
		expect(res.status).toBe(422);
		expect(res.body).toMatchObject({ name: "ValidationError", code: 422, type: "VALIDATION_ERROR" });
		expect(res.body.data.map((p: { field: string }) => p.field).sort()).toEqual(["email", "name", "password"]);
		for (const problem of res.body.data) expect(problem.message).toEqual(expect.any(String));

		const missing = await http.post(`${api}/api/auth/login`, {});
		expect(missing.status).toBe(422);
		expect(missing.body.data.map((p: { field: string }) => p.field).sort()).toEqual(["email", "password"]);
	});

	it("answers 400 to a body that is not JSON", async () => {
		const res = await request("POST", `${api}/api/auth/login`, { rawBody: '{"email": "a@b.c", ' });
		expect(res.status).toBe(400);
	});

	it("treats query operators in a login as invalid input, not as a database query", async () => {
		const victim = await register();
		for (const body of [
			{ email: { $ne: "" }, password: victim.password },
			{ email: victim.email, password: { $ne: "" } },
			{ email: { $regex: ".*" }, password: { $gt: "" } },
		]) {
			const res = await http.post(`${api}/api/auth/login`, body);
			expect(res.status).toBe(422);
			expect(res.body.token).toBeUndefined();
		}
	});

	it("rejects an unknown query field on me", async () => {
		const { token } = await register();
		const res = await http.get(`${api}/api/auth/me?role=admin`, { token });
		expect(res.status).toBe(422);
	});

	it("answers a wrong password and an unknown email with the same 401", async () => {
		const known = await register();
		const wrongPassword = await http.post(`${api}/api/auth/login`, { email: known.email, password: "not the password" });
		const unknownEmail = await http.post(`${api}/api/auth/login`, { email: newAccount().email, password: "not the password" });
		expect([wrongPassword.status, unknownEmail.status]).toEqual([401, 401]);
		expect(wrongPassword.body).toEqual(unknownEmail.body);
		expect(wrongPassword.body).toMatchObject({ type: "INVALID_CREDENTIALS" });
		// (That they also take the same time is auth-login-timing.test.ts.)
	});

	it("tells a signed-out caller of me to sign in", async () => {
		const res = await http.get(`${api}/api/auth/me`);
		expect(res.status).toBe(401);
	});
});

describe("roles", () => {
	it("never lets a register body choose the role, the id or the creation date", async () => {
		for (const extra of [{ role: "admin" }, { id: "chosen-id" }, { createdAt: "2000-01-01T00:00:00.000Z" }, { _id: "chosen-id" }, { passwordHash: "$scrypt$x" }]) {
			const account = newAccount();
			const res = await http.post(`${api}/api/auth/register`, { ...account, ...extra });
			expect(res.status).toBe(422);
			expect(JSON.stringify(res.body.data)).toContain(`'${Object.keys(extra)[0]}'`);
			// Refused as a whole: no account was made with these credentials.
			const login = await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password });
			expect(login.status).toBe(401);
		}
	});

	it("makes a customer even when the role hides in __proto__ or the query string", async () => {
		const account = newAccount();
		const body = `{"email":"${account.email}","password":"${account.password}","name":"Eve","__proto__":{"role":"admin","id":"chosen-id"}}`;
		const res = await request("POST", `${api}/api/auth/register`, { rawBody: body });
		expect(res.status).toBe(201);
		expect(res.body.user.role).toBe("customer");
		expect(res.body.user.id).not.toBe("chosen-id");
		expect((await http.get(`${api}/api/auth/me`, { token: res.body.token })).body.role).toBe("customer");
		expect((await http.get(`${api}/api/ops/cluster`, { token: res.body.token })).status).toBe(403);

		const viaQuery = await http.post(`${api}/api/auth/register?role=admin`, newAccount());
		expect(viaQuery.status).toBe(422);
	});

	it("makes the configured admin an admin, who alone may use admin routes", async () => {
		const admin = await http.post(`${api}/api/auth/login`, { email: ADMIN.email.toLowerCase(), password: ADMIN.password });
		expect(admin.status).toBe(200);
		expect(admin.body.user).toMatchObject({ email: ADMIN.email.toLowerCase(), role: "admin" });
		expect((await http.get(`${api}/api/ops/cluster`, { token: admin.body.token })).status).toBe(200);

		const customer = await register();
		expect((await http.get(`${api}/api/ops/cluster`, { token: customer.token })).status).toBe(403);
		expect((await http.get(`${api}/api/ops/cluster`)).status).toBe(401);

		// Nobody can take the admin's email by registering it.
		const squat = await http.post(`${api}/api/auth/register`, { ...newAccount(), email: ADMIN.email.toUpperCase() });
		expect(squat.status).toBe(409);
	});
});

describe("password storage", () => {
	it("re-hashes a password at its owner's next login once the cost is raised", async () => {
		const users = broker.getLocalService("users") as unknown as { settings: { passwordCost: object }; adapter: { findOne(q: object): Promise<{ passwordHash: string }> } };
		const today = users.settings.passwordCost;
		users.settings.passwordCost = { ...CHEAP_HASH, N: 2 ** 10 };
		let account: Awaited<ReturnType<typeof register>>;
		try {
			account = await register();
		} finally {
			users.settings.passwordCost = today;
		}
		expect((await users.adapter.findOne({ _id: account.id })).passwordHash).toContain("$ln=10,");

		expect((await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password })).status).toBe(200);
		expect((await users.adapter.findOne({ _id: account.id })).passwordHash).toContain("$ln=12,");
		expect((await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password })).status).toBe(200);
	});
});

describe("what answers never contain", () => {
	it("never answers with a password or its hash, on success or failure", async () => {
		const account = newAccount();
		const answers: JsonResponse[] = [
			await http.post(`${api}/api/auth/register`, account),
			await http.post(`${api}/api/auth/register`, account), // 409
			await http.post(`${api}/api/auth/register`, { ...newAccount(), password: "seven77" }), // 422, too short
			await http.post(`${api}/api/auth/register`, { ...newAccount(), password: "x".repeat(300) }), // 422, too long
			await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password }),
			await http.post(`${api}/api/auth/login`, { email: account.email, password: `${account.password}!` }), // 401
		];
		answers.push(await http.get(`${api}/api/auth/me`, { token: answers[0].body.token }));
		expect(answers.map(a => a.status)).toEqual([201, 409, 422, 422, 200, 401, 200]);

		for (const answer of answers) {
			const text = JSON.stringify(answer.body);
			for (const secret of [account.password, "seven77", "x".repeat(300), "$scrypt$", "passwordHash"]) expect(text).not.toContain(secret);
		}
		for (const user of [answers[0].body.user, answers[4].body.user, answers[6].body]) {
			expect(Object.keys(user).sort()).toEqual(["createdAt", "email", "id", "name", "role"]);
		}
	});

	it("answers errors without a stack trace or a path on the server", async () => {
		const taken = await register();
		const answers = [
			await http.post(`${api}/api/auth/register`, { email: "nope" }), // 422
			await http.post(`${api}/api/auth/register`, { ...newAccount(), email: taken.email }), // 409
			await http.post(`${api}/api/auth/login`, { email: taken.email, password: "wrong password" }), // 401
			await http.get(`${api}/api/auth/me`, { token: "a.b.c" }), // 401
			await http.get(`${api}/api/auth/nothing-here`), // 404
			await request("POST", `${api}/api/auth/login`, { rawBody: "{" }), // 400
		];
		for (const answer of answers) {
			expect(answer.status).toBeGreaterThanOrEqual(400);
			expect(answer.body).toMatchObject({ name: expect.any(String), message: expect.any(String), code: answer.status, type: expect.any(String) });
			const text = JSON.stringify(answer.body);
			expect(text).not.toMatch(/stack|\bat .+:\d+:\d+|node_modules|\/services\/|\.ts\b/);
		}
	});
});

describe("the guest cart at sign-in", () => {
	it("merges the guest cart named by X-Cart-Id into the user's cart on register and on login", async () => {
		const account = await register(newAccount(), { "x-cart-id": "guest-cart-1" });
		const login = await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password }, { headers: { "x-cart-id": "guest-cart-2" } });
		expect(login.status).toBe(200);
		expect(merges).toEqual([
			{ guestCartId: "guest-cart-1", userId: account.id },
			{ guestCartId: "guest-cart-2", userId: account.id },
		]);
	});

	it("does not call the cart service without a guest cart", async () => {
		await register();
		expect(merges).toEqual([]);
	});

	it("still signs in when the cart service fails", async () => {
		const account = await register();
		cartBehaviour = "fail";
		const login = await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password }, { headers: { "x-cart-id": "guest-cart-3" } });
		expect(login.status).toBe(200);
		expect(login.body.user.id).toBe(account.id);
		expect(merges).toHaveLength(1);
	});

	it("still signs in, without waiting for it, when the cart service does not answer", async () => {
		const account = await register();
		cartBehaviour = "hang";
		try {
			const login = await http.post(`${api}/api/auth/login`, { email: account.email, password: account.password }, { headers: { "x-cart-id": "guest-cart-4" } });
			expect(login.status).toBe(200);
			expect(merges).toHaveLength(1); // asked, and answered the shopper before the cart answered
		} finally {
			releaseHungMerges();
		}
	});
});
