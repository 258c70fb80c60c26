// The gateway's door: which bearer tokens it lets through, and what each role may reach.
// Every bad token is built by hand here, byte by byte, the way an attacker would build it.
import crypto from "node:crypto";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { signToken, TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_TTL_SECONDS } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

const SECRET = process.env.JWT_SECRET as string;

function base64url(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function hmac(data: string, key: string, hash = "sha256"): string {
	return crypto.createHmac(hash, key).update(data).digest("base64url");
}

/** A JWT from its parts; `sign` decides the signature part. */
function jwt(header: object, payload: object, sign: (data: string) => string = data => hmac(data, SECRET)): string {
	const data = `${base64url(header)}.${base64url(payload)}`;
	return `${data}.${sign(data)}`;
}

const HS256 = { alg: "HS256", typ: "JWT" };

let broker: ServiceBroker;
let api: string;
let customer: { id: string; email: string; token: string };

/** Claims the gateway accepts for `customer`, as of now; each test spoils one. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	const now = Math.floor(Date.now() / 1000);
	return { sub: customer.id, email: customer.email, role: "customer", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 3600, ...overrides };
}

const me = (token?: string) => http.get(`${api}/api/auth/me`, { token });
const adminRoute = (token?: string, headers?: Record<string, string>) => http.get(`${api}/api/ops/cluster`, { token, headers });

beforeAll(async () => {
	broker = await startBroker([ApiService, UsersService] as ServiceSchema[]);
	api = gatewayUrl(broker);
	const res = await http.post(`${api}/api/auth/register`, { email: "token.tester@example.com", password: "a long enough password", name: "Tess" });
	customer = { id: res.body.user.id, email: res.body.user.email, token: res.body.token };
});

afterAll(() => broker.stop());

describe("bearer tokens", () => {
	it("accepts a token built by hand with the shop's secret and claims (so the refusals below are about the one thing spoilt)", async () => {
		const res = await me(jwt(HS256, claims()));
		expect(res.status).toBe(200);
		expect(res.body.id).toBe(customer.id);
	});

	it("asks for a sign-in when a user route gets no token", async () => {
		const res = await me();
		expect(res.status).toBe(401);
		expect(res.body).toMatchObject({ code: 401, type: "UNAUTHORIZED" });
	});

	it.each([
		["not a JWT at all", "Bearer not-a-token"],
		["three parts of garbage", "Bearer a.b.c"],
		["a JWT with an empty signature", `Bearer ${jwt(HS256, {}, () => "")}`],
		["another scheme", `Basic ${Buffer.from("user:pass").toString("base64")}`],
		["a scheme without a token", "Bearer "],
		["two tokens", `Bearer ${"x.y.z"} ${"x.y.z"}`],
	])("refuses a malformed Authorization header: %s", async (_what, header) => {
		const res = await http.get(`${api}/api/auth/me`, { headers: { authorization: header } });
		expect(res.status).toBe(401);
	});

	it.each([
		["alg: none, no signature", () => jwt({ alg: "none", typ: "JWT" }, claims(), () => "")],
		["alg: none, claiming admin", () => jwt({ alg: "none", typ: "JWT" }, claims({ role: "admin" }), () => "")],
		["a signature that does not match (role changed to admin after signing)", () => {
			const [header, , signature] = jwt(HS256, claims()).split(".");
			return `${header}.${base64url(claims({ role: "admin" }))}.${signature}`;
		}],
		["a signature from another key", () => jwt(HS256, claims(), data => hmac(data, "some-other-secret-that-is-also-long-enough-0123"))],
		["another HMAC algorithm with the right key (HS512)", () => jwt({ alg: "HS512", typ: "JWT" }, claims(), data => hmac(data, SECRET, "sha512"))],
		["RS256 in the header, signed with the secret as a key", () => jwt({ alg: "RS256", typ: "JWT" }, claims())],
		["expired", () => jwt(HS256, claims({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 }))],
		["issued longer ago than tokens live, whatever its exp says", () => jwt(HS256, claims({ iat: Math.floor(Date.now() / 1000) - TOKEN_TTL_SECONDS - 60, exp: Math.floor(Date.now() / 1000) + 3600 }))],
		["without exp", () => jwt(HS256, claims({ exp: undefined }))],
		["for another audience", () => jwt(HS256, claims({ aud: "some-other-api" }))],
		["from another issuer", () => jwt(HS256, claims({ iss: "someone-else" }))],
		["with a role the shop does not have", () => jwt(HS256, claims({ role: "superuser" }))],
		["without a subject", () => jwt(HS256, claims({ sub: undefined }))],
	])("refuses a token %s with 401", async (_what, build) => {
		const token = build();
		for (const res of [await me(token), await adminRoute(token)]) {
			expect(res.status).toBe(401);
			expect(res.body).toMatchObject({ code: 401, type: "INVALID_TOKEN" });
		}
	});

	it("refuses a bad token even on a public route, so a client learns to drop it", async () => {
		const res = await http.post(`${api}/api/auth/login`, { email: customer.email, password: "a long enough password" }, { token: jwt(HS256, claims({ aud: "elsewhere" })) });
		expect(res.status).toBe(401);
	});

	it("refuses a valid token for an account that does not exist any more", async () => {
		const res = await me(signToken({ id: "no-such-user", email: "ghost@example.com", role: "customer" }));
		expect(res.status).toBe(401);
	});
});

describe("roles at the door", () => {
	it("answers 403 to a customer on an admin route and lets an admin through", async () => {
		expect((await adminRoute(customer.token)).status).toBe(403);
		expect((await adminRoute(signToken({ id: "admin-1", email: "admin@example.com", role: "admin" }))).status).toBe(200);
	});

	it("takes the caller and the role only from the token: headers and query cannot claim them", async () => {
		const claimsInHeaders = { "x-user": JSON.stringify({ id: "x", role: "admin" }), "x-user-role": "admin", "x-role": "admin", user: "admin", role: "admin" };
		const query = "?role=admin&user[role]=admin&meta[user][role]=admin&$meta[user][role]=admin";

		for (const token of [customer.token, undefined]) {
			const res = await http.get(`${api}/api/ops/cluster${query}`, { token, headers: claimsInHeaders });
			expect(res.status).toBe(token ? 403 : 401);
		}
	});

	it("reaches only the public routes: no action by its own name, no internal $node action", async () => {
		for (const path of ["/api/users/register", "/api/users.login", "/api/~node/list", "/api/$node/services", "/api/users/me"]) {
			const res = await http.post(`${api}${path}`, { email: "x@example.com", password: "whatever123", name: "x" }, { token: customer.token });
			expect(res.status).toBe(404);
		}
	});
});
