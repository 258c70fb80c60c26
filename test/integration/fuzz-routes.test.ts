// Fuzzing every routed action (read from the gateway's alias table): random bodies, queries and
// headers, within and beyond each action's declared params. Whatever arrives, the answer is never
// a 5xx, a 4xx stores nothing, and /api/health answers throughout. A failure names its route and
// fast-check's seed and path, so `fc.assert(..., { seed, path })` replays it exactly.
import fc from "fast-check";
import type { ServiceBroker } from "moleculer";
import { config } from "../../lib/config";
import { signToken } from "../../lib/tokens";
import { gatewayUrl, startBroker } from "../support/broker";
import { request } from "../support/http";
import { fillPath, routedActions, setPath, type Field, type RoutedAction } from "../support/routed";
import { everyService } from "../support/shop";

const RUNS_PER_ROUTE = 100;
const admin = signToken({ id: "fuzz-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "fuzz-customer", email: "c@example.com", role: "customer" });

let broker: ServiceBroker;
let base: string;
let clients = 0;
const savedProxies = config.trustedProxies;

/** Each request from a client of its own (through a "proxy" we trust), so the rate limit stays out of the way. */
const nextClient = () => {
	const n = ++clients;
	return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

beforeAll(async () => {
	config.trustedProxies = ["127.0.0.1", "::1"];
	broker = await startBroker(everyService());
	base = gatewayUrl(broker);
});
afterAll(async () => {
	config.trustedProxies = savedProxies;
	await broker.stop();
});

/** How many documents every store of the node holds: a 4xx must leave it as it was. */
async function storedCount(): Promise<number> {
	let total = 0;
	for (const service of broker.services as unknown as { adapter?: { count(): Promise<number> } }[]) {
		if (service.adapter && typeof service.adapter.count === "function") total += await service.adapter.count();
	}
	return total;
}

// Values a field may get: what its kind asks for, a little beside it, and far beyond it.
const hostileString = fc.oneof(
	fc.constantFrom("", " ", "@", "a@b.test,c@d.test", "x\r\nBcc: y@z.test", "__proto__", "constructor", "$where", "{\"$gt\":\"\"}", "../../etc/passwd", "<script>"),
	fc.string({ maxLength: 40 }),
	fc.string({ unit: "grapheme", maxLength: 20 }),
	fc.nat({ max: 5_000 }).map(n => "@".repeat(n)),
);
const anyValue = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.anything({ maxDepth: 2 }));

function valueFor(field: Field): fc.Arbitrary<unknown> {
	const near: Record<Field["kind"], fc.Arbitrary<unknown>> = {
		string: hostileString,
		number: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double(), fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2)),
		boolean: fc.boolean(),
		array: fc.array(anyValue, { maxLength: 3 }),
		object: fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 3 }),
		other: anyValue,
	};
	return fc.oneof({ weight: 3, arbitrary: near[field.kind] }, { weight: 1, arbitrary: anyValue });
}

interface Attempt {
	params: Record<string, unknown>;
	extra: Record<string, unknown>;
	headers: Record<string, string>;
}

/** Sets a field unless a value picked for its parent (`items: false`) leaves no room for it. */
function withField(params: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
	try {
		return setPath(params, path, value);
	} catch {
		return params;
	}
}

function attemptFor(route: RoutedAction): fc.Arbitrary<Attempt> {
	const fields = route.fields.filter(f => !f.path.includes("[0]") || f.in === "body");
	const chosen = fc.subarray(fields).chain(picked => fc.tuple(...picked.map(f => valueFor(f).map(v => [f, v] as const))));
	const header = (name: string, value: fc.Arbitrary<string>) => fc.option(value.map(v => [name, v] as const), { nil: undefined });
	const headers = fc
		.tuple(
			header("authorization", fc.oneof(fc.constantFrom(`Bearer ${admin}`, `Bearer ${customer}`, "Bearer x.y.z", "Basic abc"), fc.string({ maxLength: 30 }))),
			header("x-cart-id", hostileString),
			header("idempotency-key", hostileString),
			header("x-request-id", hostileString),
		)
		.map(pairs => Object.fromEntries(pairs.filter((p): p is readonly [string, string] => p !== undefined && /^[\t\x20-\x7e]*$/.test(p[1]))));
	return fc.record({
		params: chosen.map(pairs => pairs.reduce((out, [field, value]) => withField(out, field.path, value), {} as Record<string, unknown>)),
		extra: fc.dictionary(fc.constantFrom("role", "price", "total", "status", "_id", "a[b]", "__proto__", "zzz"), anyValue, { maxKeys: 2 }),
		headers,
	});
}

/** The attempt as an HTTP request: path params in the path, the rest in the query or the body. */
function toRequest(route: RoutedAction, attempt: Attempt) {
	const pathValues: Record<string, string> = {};
	const query = new URLSearchParams();
	const body: Record<string, unknown> = { ...attempt.extra };
	for (const [name, value] of Object.entries(attempt.params)) {
		const field = route.fields.find(f => f.path === name);
		if (field?.in === "path") pathValues[name] = String(value);
		else if (field?.in === "query") query.append(name, typeof value === "string" ? value : JSON.stringify(value));
		else body[name] = value;
	}
	const inQuery = route.method === "GET" || route.method === "DELETE";
	// (JSON, not String(): fast-check's objects may have no prototype, and String() of one throws.)
	if (inQuery) for (const [name, value] of Object.entries(attempt.extra)) query.append(name, typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
	const qs = query.toString();
	return {
		url: `${base}/api/${fillPath(route.path, pathValues)}${qs ? `?${qs}` : ""}`,
		body: inQuery ? undefined : body,
	};
}

it("every routed action, fuzzed: never a 5xx, nothing stored from a 4xx, /api/health answering throughout", async () => {
	let stop = false;
	const health = { failures: 0, answers: 0 };
	const watching = (async () => {
		while (!stop) {
			const res = await request("GET", `${base}/api/health`, { headers: { "x-forwarded-for": nextClient() } }).catch(() => null);
			if (res?.status === 200) health.answers++;
			else health.failures++;
			await new Promise(resolve => setTimeout(resolve, 20));
		}
	})();

	const failures: string[] = [];
	try {
		for (const route of routedActions(broker)) {
			const outcome = await fc.check(
				fc.asyncProperty(attemptFor(route), async attempt => {
					const { url, body } = toRequest(route, attempt);
					const before = await storedCount();
					const res = await request(route.method, url, { body, headers: { ...attempt.headers, "x-forwarded-for": nextClient() } });
					if (res.status >= 500) throw new Error(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
					if (res.status >= 400 && (await storedCount()) !== before) throw new Error(`${res.status}, and something was stored`);
					// A fault rule that got through would make the next routes fail on purpose: take it back.
					if (route.action === "ops.setFaults" && res.status < 300) await broker.call("ops.clearFaults");
				}),
				{ numRuns: RUNS_PER_ROUTE },
			);
			if (outcome.failed) {
				failures.push(`${route.method} /api/${route.path} (${route.action}): ${String(outcome.errorInstance ?? outcome.error)}\n  replay with { seed: ${outcome.seed}, path: "${outcome.counterexamplePath}" }, counterexample ${JSON.stringify(outcome.counterexample).slice(0, 300)}`);
			}
		}
	} finally {
		stop = true;
		await watching;
	}
	expect(failures).toEqual([]);
	expect(health.failures).toBe(0);
	expect(health.answers).toBeGreaterThan(0);
}, 120_000);
