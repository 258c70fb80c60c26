// `npm run bench`: every benchmark, one after another, each in a process of its own (the shop
// reads its settings once per process) inside one temporary directory removed at the end, then
// one table of issue 13's aims (bench/aims.ts). What the benchmarks print goes to stderr; the
// table alone goes to stdout. Exits 0 when aims are not met (it is a report), 1 when a benchmark crashed.
//
// The three checkout benchmarks are compared with each other (files / memory, cluster / one
// node), and this machine's speed drifts by half within an hour: they run in BENCH_ROUNDS rounds
// (3), taking turns, and each keeps its median round.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { rowsOf, type Failures, type Results } from "./aims";
import type { ClusterFigures } from "./checkout-cluster.bench";
import type { CheckoutFigures } from "./checkout.bench";
import { formatTable, medianRound, summary } from "./report";

interface Bench {
	key: keyof Results;
	script: string;
	env: Record<string, string>;
	/** Run in rounds, taking turns with the other such benchmarks; the figure a round is ranked by. */
	rankedBy?: (figures: never) => number;
	/** The env of rounds after the first (the e-mail comparison runs once). */
	laterRounds?: Record<string, string>;
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

const BENCHES: Bench[] = [
	{
		key: "checkoutFiles",
		script: "checkout.bench.js",
		env: { BENCH_STORE: "files", BENCH_DETAILS: "0", BENCH_MAIL: "1" },
		laterRounds: { BENCH_MAIL: "0" },
		rankedBy: (f: CheckoutFigures) => f.checkout.perSecond,
	},
	{ key: "checkoutMemory", script: "checkout.bench.js", env: { BENCH_STORE: "memory", BENCH_DETAILS: "0", BENCH_MAIL: "0" }, rankedBy: (f: CheckoutFigures) => f.checkout.perSecond },
	{ key: "cluster", script: "checkout-cluster.bench.js", env: { BENCH_CHAIN: "0" }, rankedBy: (f: ClusterFigures) => f.perSecond },
	{ key: "gateway", script: "gateway.bench.js", env: {} },
	{ key: "catalog", script: "catalog.bench.js", env: { BENCH_SIZES: "1000,100000", BENCH_CART_READS: "0" } },
	{ key: "startup", script: "startup.bench.js", env: {} },
];

/** Runs one benchmark with its own temporary directory (TMPDIR: everything it makes lands there); its figures, or why not. */
function runOne(bench: Bench, root: string, round = 1): Promise<{ figures?: unknown; failure?: string }> {
	const tmp = fs.mkdtempSync(path.join(root, `${bench.key}-`));
	const result = path.join(tmp, "figures.json");
	const started = Date.now();
	console.error(`\n=== ${bench.key} (${bench.script})${bench.rankedBy ? `, round ${round} of ${ROUNDS}` : ""} ===`);
	const env = round > 1 ? { ...bench.env, ...bench.laterRounds } : bench.env;
	const child = spawn(process.execPath, [path.join(__dirname, bench.script)], {
		env: { ...process.env, ...env, TMPDIR: tmp, BENCH_RESULT: result },
		// Their own output is progress: stderr, so that stdout is the table alone.
		stdio: ["ignore", process.stderr, process.stderr],
	});
	return new Promise(resolve => {
		child.once("exit", (code, signal) => {
			console.error(`=== ${bench.key}: ${code === 0 ? "done" : `exit ${code ?? signal}`} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
			if (code === 0 && fs.existsSync(result)) resolve({ figures: JSON.parse(fs.readFileSync(result, "utf8")) });
			else resolve({ failure: code === 0 ? "no figures written" : `exit ${code ?? signal}` });
		});
	});
}

async function main(): Promise<void> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-all-"));
	const results: Partial<Results> = {};
	const failed: Failures = {};
	const only = process.argv.slice(2);
	const chosen = BENCHES.filter(b => only.length === 0 || only.includes(b.key));
	const record = (key: keyof Results, figures: unknown) => ((results as Record<string, unknown>)[key] = figures);
	try {
		await runInRounds(chosen.filter(b => b.rankedBy), root, record, failed);
		for (const bench of chosen.filter(b => !b.rankedBy)) {
			const { figures, failure } = await runOne(bench, root);
			if (figures) record(bench.key, figures);
			else failed[bench.key] = failure;
		}
	} finally {
		fs.rmSync(root, { recursive: true, force: true });
	}
	const load = os.loadavg().map(l => l.toFixed(1)).join(" ");
	const cpu = os.cpus()[0]?.model ?? "unknown CPU";
	console.log(`Node ${process.version}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM; load average at the end ${load}`);
	console.log("");
	const rows = rowsOf(results, failed);
	console.log(formatTable(rows));
	console.log("");
	console.log(
		`${summary(rows)}. Ratios are of figures measured in this run (the checkouts: the median of ${ROUNDS} rounds, taking turns); the checkout's 4× is against issue 13's 136/s (its best figure before).`,
	);
	if (Object.keys(failed).length > 0) process.exitCode = 1;
}

/** The benchmarks compared with each other, in rounds, taking turns; each keeps its median round. */
async function runInRounds(benches: Bench[], root: string, record: (key: keyof Results, figures: unknown) => void, failed: Failures): Promise<void> {
	const rounds = new Map<Bench, unknown[]>(benches.map(b => [b, []]));
	for (let round = 1; round <= ROUNDS; round++) {
		for (const bench of benches) {
			if (failed[bench.key]) continue;
			const { figures, failure } = await runOne(bench, root, round);
			if (figures) rounds.get(bench)!.push(figures);
			else failed[bench.key] = failure;
		}
	}
	for (const bench of benches) {
		const all = rounds.get(bench)!;
		if (failed[bench.key] || all.length === 0) continue;
		const rank = bench.rankedBy as (figures: unknown) => number;
		const median = medianRound(all, rank) as CheckoutFigures & ClusterFigures;
		// The e-mail comparison ran in the first round only.
		const mail = (all[0] as Partial<CheckoutFigures>).mail;
		record(bench.key, mail && !median.mail ? { ...median, mail } : median);
		console.error(`${bench.key}: rounds ${all.map(f => rank(f).toFixed(0)).join(", ")} /s; median ${rank(median).toFixed(0)} /s`);
	}
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
