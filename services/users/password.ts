// Passwords: scrypt from node:crypto. A hash is stored as `$scrypt$ln=15,r=8,p=3$<salt>$<key>`,
// so the cost travels with it: raising the cost later re-hashes each password at its next login
// instead of locking anyone out.
import crypto from "node:crypto";
import { HashQueue, type HashJob } from "./hash-queue";

export interface ScryptCost {
	/** CPU/memory cost, a power of two. */
	N: number;
	/** Block size. */
	r: number;
	/** Parallelism. */
	p: number;
}

/**
 * One of OWASP's equivalent scrypt settings (N=2^17/r=8/p=1 … N=2^13/r=8/p=10): this one needs
 * 32 MiB per hash instead of 128 MiB, and takes about a quarter of a second on one core.
 */
export const SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for any passphrase or manager; short enough that nobody hashes a megabyte. */
export const PASSWORD_MAX_LENGTH = 256;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = "$scrypt$";

/** The hashes of this process wait here: sign-ins first, a bounded line (see hash-queue.ts). */
export const hashQueue = new HashQueue();

/** How one hash waits: its priority, its deadline, and the queue (a service's own; by default the process's). */
export interface HashOptions extends HashJob {
	queue?: HashQueue;
}

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number, opts: HashOptions): Promise<Buffer> {
	const { queue = hashQueue, ...job } = opts;
	return queue.run(
		() =>
			new Promise((resolve, reject) => {
				const maxmem = 256 * cost.N * cost.r; // scrypt needs 128·N·r bytes; Node's default cap is 32 MiB
				crypto.scrypt(password.normalize("NFKC"), salt, length, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
			}),
		job,
	);
}

export async function hashPassword(password: string, cost: ScryptCost = SCRYPT_COST, opts: HashOptions = {}): Promise<string> {
	const salt = crypto.randomBytes(SALT_BYTES);
	const key = await derive(password, salt, cost, KEY_BYTES, opts);
	return `${PREFIX}ln=${Math.log2(cost.N)},r=${cost.r},p=${cost.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

interface ParsedHash {
	cost: ScryptCost;
	salt: Buffer;
	key: Buffer;
}

function parse(stored: string): ParsedHash | null {
	const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([\w-]+)\$([\w-]+)$/.exec(stored);
	if (!match) return null;
	const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (ln < 1 || ln > 20 || r < 1 || p < 1) return null; // a corrupt cost must not ask for gigabytes
	return { cost: { N: 2 ** ln, r, p }, salt: Buffer.from(match[4], "base64url"), key: Buffer.from(match[5], "base64url") };
}

/** Whether `password` is the one `stored` was made from; compares in constant time. */
export async function verifyPassword(password: string, stored: string, opts: HashOptions = {}): Promise<boolean> {
	const parsed = parse(stored);
	if (!parsed || parsed.key.length === 0) return false;
	const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length, opts);
	return crypto.timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with another cost than today's, so the next login should re-hash it. */
export function needsRehash(stored: string, cost: ScryptCost = SCRYPT_COST): boolean {
	const parsed = parse(stored);
	return !parsed || parsed.cost.N !== cost.N || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}

const dummies = new Map<string, Promise<string>>();

/**
 * A hash of a random password at `cost`, checked when the email is unknown: "no such user" then
 * takes as long as "wrong password", so timing does not tell which accounts exist.
 */
export function dummyHash(cost: ScryptCost = SCRYPT_COST): Promise<string> {
	const key = `${cost.N},${cost.r},${cost.p}`;
	let dummy = dummies.get(key);
	if (!dummy) dummies.set(key, (dummy = hashPassword(crypto.randomBytes(32).toString("base64url"), cost)));
	return dummy;
}

interface PasswordRuleBroken {
	type: "string" | "stringMin" | "stringMax";
	expected?: number;
}

function brokenRule(password: unknown, min: number): PasswordRuleBroken | null {
	if (typeof password !== "string") return { type: "string" };
	// A character is at most two UTF-16 units: anything longer is too long without counting.
	if (password.length > 2 * PASSWORD_MAX_LENGTH) return { type: "stringMax", expected: PASSWORD_MAX_LENGTH };
	const length = [...password].length;
	if (length < min) return { type: "stringMin", expected: min };
	if (length > PASSWORD_MAX_LENGTH) return { type: "stringMax", expected: PASSWORD_MAX_LENGTH };
	return null;
}

/**
 * The `password` param rule: a string (so its type is `string` in the contract) whose length is
 * counted in characters, not UTF-16 units. The validator's own min/max would count units; this
 * check reports the same errors, and never the refused value.
 */
export function passwordParam(min = PASSWORD_MIN_LENGTH) {
	return {
		type: "string" as const,
		custom(value: unknown, errors: object[]): unknown {
			if (typeof value !== "string") return value; // missing or no string: the rule's type check says so
			const broken = brokenRule(value, min);
			if (broken) errors.push(broken);
			return value;
		},
	};
}

/** What is wrong with a new password, in words, or null. */
export function passwordProblem(password: unknown): string | null {
	const broken = brokenRule(password, PASSWORD_MIN_LENGTH);
	if (!broken) return null;
	if (broken.type === "string") return "Password must be a string";
	return `Password must be at ${broken.type === "stringMin" ? "least" : "most"} ${broken.expected} characters long`;
}
