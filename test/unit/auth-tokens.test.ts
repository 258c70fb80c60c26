// Where the token secret comes from, in production and in development. (Which tokens the gateway
// refuses is tested over HTTP in test/integration/auth-tokens.test.ts.)
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

type Tokens = typeof import("../../lib/tokens");

/** lib/tokens.ts as a freshly started node would load it, with this environment. */
function loadTokens(env: Record<string, string | undefined>): Tokens {
	const saved = process.env;
	process.env = { ...saved, ...env };
	for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
	try {
		let tokens: Tokens | undefined;
		jest.isolateModules(() => {
			tokens = require("../../lib/tokens");
		});
		return tokens as Tokens;
	} finally {
		process.env = saved;
	}
}

const USER = { id: "u1", email: "ann@example.com", role: "customer" as const };
let warn: jest.SpyInstance;
let dataDir: string;

beforeEach(() => {
	warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-tokens-"));
});

afterEach(() => {
	warn.mockRestore();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the token secret in production", () => {
	it("refuses to start without JWT_SECRET", () => {
		expect(() => loadTokens({ NODE_ENV: "production", JWT_SECRET: undefined, DATA_DIR: dataDir })).toThrow(/JWT_SECRET is required/);
	});

	it("refuses to start with a short, guessable JWT_SECRET", () => {
		expect(() => loadTokens({ NODE_ENV: "production", JWT_SECRET: "secret" })).toThrow(/at least 32 characters/);
	});

	it("starts with a strong JWT_SECRET, and never writes a secret of its own", () => {
		const tokens = loadTokens({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40), DATA_DIR: dataDir });
		expect(tokens.verifyToken(tokens.signToken(USER))).toEqual({ ...USER, tokenVersion: 0 });
		expect(fs.readdirSync(dataDir)).toEqual([]);
	});
});

describe("the token secret in development", () => {
	it("generates one under DATA_DIR, readable by its owner only, warns, and keeps it across restarts", () => {
		const first = loadTokens({ NODE_ENV: "development", JWT_SECRET: undefined, DATA_DIR: dataDir });
		const token = first.signToken(USER);
		expect(warn).toHaveBeenCalledWith(expect.stringContaining("JWT_SECRET is not set"));

		const file = path.join(dataDir, "jwt-secret");
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(fs.readFileSync(file, "utf8").length).toBeGreaterThanOrEqual(32);
		expect(fs.readdirSync(dataDir)).toEqual(["jwt-secret"]); // no draft left behind

		const restarted = loadTokens({ NODE_ENV: "development", JWT_SECRET: undefined, DATA_DIR: dataDir });
		expect(restarted.verifyToken(token)).toEqual({ ...USER, tokenVersion: 0 });
	});

	it("with data in memory, uses a secret of this process only, and says so", () => {
		const a = loadTokens({ NODE_ENV: "development", JWT_SECRET: undefined, DATA_DIR: ":memory:" });
		const b = loadTokens({ NODE_ENV: "development", JWT_SECRET: undefined, DATA_DIR: ":memory:" });
		expect(b.verifyToken(a.signToken(USER))).toBeNull();
		expect(warn).toHaveBeenCalledWith(expect.stringContaining("other nodes will refuse"));
	});
});

describe("verified tokens, remembered", () => {
	it("refuses a remembered token once it has expired", () => {
		const tokens = loadTokens({ NODE_ENV: "production", JWT_SECRET: "y".repeat(40) });
		const signedAt = new Date(Date.now() - (tokens.TOKEN_TTL_SECONDS - 60) * 1000); // a minute of life left
		const token = tokens.signToken(USER, signedAt);
		expect(tokens.verifyToken(token)).toEqual({ ...USER, tokenVersion: 0 });
		expect(tokens.verifyToken(token)).toEqual({ ...USER, tokenVersion: 0 }); // from memory
		expect(tokens.verifyToken(token, Date.now() + 61_000)).toBeNull();
	});

	it("verifies without jsonwebtoken trying the secret as a public key first (most of a verify's cost)", () => {
		const createPublicKey = jest.spyOn(crypto, "createPublicKey");
		try {
			const tokens = loadTokens({ NODE_ENV: "production", JWT_SECRET: "y".repeat(40) });
			// The spy sees what jsonwebtoken does with a string secret (the finding)...
			const jwt = require("jsonwebtoken") as typeof import("jsonwebtoken");
			jwt.verify(jwt.sign({ a: 1 }, "y".repeat(40)), "y".repeat(40));
			expect(createPublicKey).toHaveBeenCalled();
			createPublicKey.mockClear();
			// ...and ours, signing and verifying distinct tokens (none from memory), never does it.
			for (let i = 0; i < 3; i++) expect(tokens.verifyToken(tokens.signToken({ ...USER, id: `u${i}` }))).not.toBeNull();
			expect(createPublicKey).not.toHaveBeenCalled();
		} finally {
			createPublicKey.mockRestore();
		}
	});

	it("never remembers a token it refused, however often it is sent", () => {
		const tokens = loadTokens({ NODE_ENV: "production", JWT_SECRET: "y".repeat(40) });
		const token = tokens.signToken(USER);
		const tampered = `${token.slice(0, -2)}${token.endsWith("A") ? "B" : "A"}A`;
		for (let i = 0; i < 3; i++) expect(tokens.verifyToken(tampered)).toBeNull();
		expect(tokens.verifyToken(token)).not.toBeNull();
	});
});
