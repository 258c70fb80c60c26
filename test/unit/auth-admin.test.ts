import type { UserDoc } from "../../services/users/account";
import { adminConfigProblem, ensureAdmin } from "../../services/users/admin";
import { hashPassword, verifyPassword } from "../../services/users/password";
import { createAdapter, ensureIndex, type Store } from "../../mixins/db.mixin";

type TestStore = Store<UserDoc> & { init(b: unknown, s: unknown): void; connect(): Promise<void>; disconnect(): Promise<void> };

const EMAIL = "Admin@Shop.test";
const PASSWORD = "the admin password";
const at = new Date("2026-01-01T00:00:00.000Z");
// A cheap hash: these tests are about which account ends up with which password.
const COST = { N: 2 ** 10, r: 8, p: 1 };
const ensure = (email: string, password: string, when = at) => ensureAdmin(store, email, password, when, COST);

let store: TestStore;

beforeEach(async () => {
	store = createAdapter("users", "users") as unknown as TestStore;
	store.init(null, null);
	await store.connect();
	await ensureIndex(store, { fields: ["email"], unique: true });
});

afterEach(() => store.disconnect());

describe("ensureAdmin", () => {
	it("creates the admin on the first start and leaves it alone on the next ones", async () => {
		expect(await ensure(EMAIL, PASSWORD)).toBe("created");
		const [admin] = await store.find({});
		expect(admin).toMatchObject({ email: "admin@shop.test", role: "admin" });
		expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(true);

		expect(await ensure(EMAIL.toLowerCase(), PASSWORD, new Date())).toBe("unchanged");
		expect(await store.find({})).toEqual([admin]);
	});

	it("sets the new password when ADMIN_PASSWORD changes", async () => {
		await ensure(EMAIL, PASSWORD);
		expect(await ensure(EMAIL, "a brand new password")).toBe("updated");
		const [admin] = await store.find({});
		expect(await verifyPassword("a brand new password", admin.passwordHash)).toBe(true);
		expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(false);
	});

	it("takes over an account registered under the admin's email: admin role, admin's password only", async () => {
		await store.insert({ _id: "squatter", email: "admin@shop.test", name: "Mallory", role: "customer", passwordHash: await hashPassword("mallory's password", COST), createdAt: at.toISOString(), updatedAt: at.toISOString() });
		expect(await ensure(EMAIL, PASSWORD)).toBe("updated");
		const [admin] = await store.find({});
		expect(admin).toMatchObject({ _id: "squatter", role: "admin" });
		expect(await verifyPassword("mallory's password", admin.passwordHash)).toBe(false);
		expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(true);
	});

	it("re-hashes the admin's password when the cost changes", async () => {
		await ensure(EMAIL, PASSWORD);
		const raised = { ...COST, N: COST.N * 2 };
		expect(await ensureAdmin(store, EMAIL, PASSWORD, at, raised)).toBe("updated");
		const [admin] = await store.find({});
		expect(admin.passwordHash).toContain("$ln=11,");
		expect(await ensureAdmin(store, EMAIL, PASSWORD, at, raised)).toBe("unchanged");
	});

	it("makes one admin when several users instances start at once", async () => {
		const outcomes = await Promise.all([1, 2, 3].map(() => ensure(EMAIL, PASSWORD)));
		expect(outcomes.filter(o => o === "created")).toHaveLength(1);
		expect(await store.count()).toBe(1);
	});
});

describe("adminConfigProblem", () => {
	it("accepts both or neither of ADMIN_EMAIL and ADMIN_PASSWORD, and only a usable pair", () => {
		expect(adminConfigProblem(null, null)).toBeNull();
		expect(adminConfigProblem(EMAIL, PASSWORD)).toBeNull();
		expect(adminConfigProblem(EMAIL, null)).toMatch(/both or neither/);
		expect(adminConfigProblem(null, PASSWORD)).toMatch(/both or neither/);
		expect(adminConfigProblem("admin", PASSWORD)).toMatch(/ADMIN_EMAIL/);
		expect(adminConfigProblem(EMAIL, "short")).toMatch(/ADMIN_PASSWORD/);
		expect(adminConfigProblem(EMAIL, "short")).not.toContain("short");
	});
});
