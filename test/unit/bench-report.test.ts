// `npm run bench`'s table: each figure against its aim, the ratio that decides it, met or not;
// a benchmark that crashed is a row that says so, never a missing row.
import { OLD_CHECKOUTS_PER_SECOND, rowsOf, type Results } from "../../bench/aims";
import { atLeast, atMost, formatTable, medianRound, ratioAtLeast, scalesWithin, summary } from "../../bench/report";

const latency = (perSecond: number, p99 = 40) => ({ perSecond, p50: 20, p99 });
const load = (requestsPerSec: number) => ({ requestsPerSec, p50: 1, p99: 3, errors: 0, non2xx: 0 });

const RESULTS: Results = {
	checkoutFiles: { store: "files", concurrency: 16, checkouts: 2_000, checkout: latency(600), confirmed: 3_200, mail: { before: latency(500), after: latency(600) }, details: null },
	checkoutMemory: { store: "memory", concurrency: 16, checkouts: 2_000, checkout: latency(1_500), confirmed: 2_200, mail: null, details: null },
	cluster: { checkouts: 600, concurrency: 16, perSecond: 200, p50: 60, p99: 120, chainPerSecond: null },
	gateway: { product: { gateway: load(6_000), bare: load(10_000) }, cart: { gateway: load(2_000), bare: load(10_000) } },
	catalog: { p50: { 1000: { "list first page": 1, "search q=walnut": 2 }, 100000: { "list first page": 2.5, "search q=walnut": 7 } } },
	startup: { fresh: { products: 48, readyMs: 1_500, rssMb: 120 }, large: { products: 100_048, readyMs: 4_200, rssMb: 310 }, adminCreates: { count: 1_000, perSecond: 700 } },
};

describe("bench report", () => {
	it("keeps, of several rounds, the round whose figure is the median, with that round's other figures", () => {
		const rounds = [latency(510, 44), latency(357, 89), latency(631, 48)];
		expect(medianRound(rounds, r => r.perSecond)).toEqual(latency(510, 44));
		expect(medianRound([latency(400), latency(300)], r => r.perSecond)).toEqual(latency(300));
		expect(medianRound([latency(42)], r => r.perSecond)).toEqual(latency(42));
		expect(() => medianRound([], () => 0)).toThrow(/no rounds/);
	});

	it("judges a floor, a ceiling and a ratio at their bounds", () => {
		expect(atLeast("creates", 500, "/s", 500)).toMatchObject({ ratio: 1, met: true });
		expect(atLeast("creates", 499, "/s", 500).met).toBe(false);
		expect(atMost("p99", 60, "ms", 60)).toMatchObject({ ratio: 1, met: true, aim: "≤ 60.0 ms" });
		expect(atMost("p99", 61, "ms", 60).met).toBe(false);
		expect(ratioAtLeast("gateway", 3_000, 10_000, "req/s", 0.3)).toMatchObject({ measured: "3000 req/s vs 10000 req/s", met: true });
		expect(ratioAtLeast("gateway", 2_999, 10_000, "req/s", 0.3).met).toBe(false);
	});

	it("holds a catalog page to both its ratio and its ceiling", () => {
		expect(scalesWithin("page", 3, 1, 3, 20).met).toBe(true);
		expect(scalesWithin("page", 3.1, 1, 3, 20).met).toBe(false);
		expect(scalesWithin("page", 21, 10, 3, 20)).toMatchObject({ ratio: 2.1, met: false });
	});

	it("makes one row per aim from the figures of a run", () => {
		const rows = rowsOf(RESULTS);
		const row = (start: string) => rows.find(r => r.figure.startsWith(start))!;
		expect(row("checkout, one node")).toMatchObject({ ratio: 600 / (4 * OLD_CHECKOUTS_PER_SECOND), met: true });
		expect(row("checkout, NeDB files / in-memory")).toMatchObject({ ratio: 0.4, met: false });
		expect(row("checkout, cluster")).toMatchObject({ ratio: 200 / 600, met: false });
		expect(row("checkout, e-mail")).toMatchObject({ ratio: 1.2, met: null });
		expect(row("cached GET")).toMatchObject({ ratio: 0.6, met: true });
		expect(row("signed-in GET")).toMatchObject({ ratio: 0.2, met: false });
		expect(row("catalog search q=walnut")).toMatchObject({ ratio: 3.5, met: false });
		expect(row("one node, every service, 100k products: RSS")).toMatchObject({ measured: "310 MB", met: false });
		expect(summary(rows)).toBe("6 of 11 aims met");
	});

	it("shows the gateway's floor beside its aims, as figures without an aim of their own", () => {
		const gateway = { ...RESULTS.gateway, floor: { defaults: load(5_000), shopOptions: load(3_000) } };
		const rows = rowsOf({ ...RESULTS, gateway });
		const row = (start: string) => rows.find(r => r.figure.startsWith(start))!;
		expect(row("floor: moleculer-web")).toMatchObject({ ratio: 0.5, met: null });
		expect(row("floor: the same on the shop's")).toMatchObject({ ratio: 0.3, met: null });
		expect(row("cached GET /api/products/:id / that floor")).toMatchObject({ ratio: 2, met: null });
		expect(summary(rows)).toBe(summary(rowsOf(RESULTS)));
	});

	it("says which benchmark crashed instead of leaving its aims out", () => {
		const { gateway: _gone, ...rest } = RESULTS;
		const rows = rowsOf(rest, { gateway: "exit 1" });
		expect(rows).toContainEqual(expect.objectContaining({ figure: "gateway reads", measured: "crashed: exit 1", met: false }));
		expect(formatTable(rows)).toMatch(/\| gateway reads +\| crashed: exit 1 +\| — +\| — +\| NOT met \|/);
	});

	it("prints a Markdown table whose columns line up", () => {
		const lines = formatTable(rowsOf(RESULTS)).split("\n");
		expect(lines[0]).toMatch(/^\| figure +\| measured +\| aim +\| ratio +\| met +\|$/);
		expect(lines[1]).toMatch(/^\|-+\|-+\|-+\|-+\|-+\|$/);
		expect(new Set(lines.map(l => l.length)).size).toBe(1);
	});
});
