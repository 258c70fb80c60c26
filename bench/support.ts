// What the benchmark scripts share: starting a shop node as a child process and measuring it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { projectRoot } from "../lib/paths";

export interface ShopProcess {
	child: ChildProcess;
	url: string;
	dataDir: string;
	stop(): Promise<void>;
}

/** Starts one node from dist/ (build first) with `services`, resolving when /api/health/ready is 200. */
export async function startShop(opts: { port: number; services?: string[]; dataDir?: string; env?: Record<string, string> }): Promise<ShopProcess & { readyMs: number }> {
	const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-"));
	const started = process.hrtime.bigint();
	const child = spawn(process.execPath, [path.join(projectRoot, "node_modules/moleculer/bin/moleculer-runner.js"), "--config", "dist/moleculer.config.js"], {
		cwd: projectRoot,
		env: {
			...process.env,
			SERVICEDIR: path.join(projectRoot, "dist/services"),
			...(opts.services ? { SERVICES: opts.services.join(",") } : {}),
			PORT: String(opts.port),
			DATA_DIR: dataDir,
			RATE_LIMIT: "0",
			SIGNUP_LIMIT: "0",
			METRICS_PORT: "0",
			LOG_LEVEL: "warn",
			TRANSPORTER: "",
			...opts.env,
		},
		stdio: ["ignore", "inherit", "inherit"],
	});
	const url = `http://127.0.0.1:${opts.port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`shop exited with ${child.exitCode}`);
		if (Date.now() > deadline) throw new Error("shop did not become ready within 60 s");
		const ok = await fetch(`${url}/api/health/ready`).then(
			r => r.status === 200,
			() => false,
		);
		if (ok) break;
		await new Promise(r => setTimeout(r, 20));
	}
	const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
	return {
		child,
		url,
		dataDir,
		readyMs,
		stop: () =>
			new Promise<void>(resolve => {
				child.once("exit", () => resolve());
				child.kill("SIGTERM");
			}),
	};
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
	try {
		const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find(l => l.startsWith("VmRSS:"));
		return line ? Math.round(Number(line.replace(/\D+/g, "")) / 1024) : null;
	} catch {
		return null;
	}
}

export interface LoadResult {
	requestsPerSec: number;
	p50: number;
	p99: number;
	errors: number;
	non2xx: number;
}

/** A bounded load run against one URL on this machine. */
export async function load(url: string, opts: { connections?: number; seconds?: number; headers?: Record<string, string> } = {}): Promise<LoadResult> {
	const result = await autocannon({ url, connections: opts.connections ?? 32, duration: opts.seconds ?? 8, headers: opts.headers });
	return {
		requestsPerSec: Math.round(result.requests.average),
		p50: result.latency.p50,
		p99: result.latency.p99,
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	};
}

export function printTable(rows: Record<string, string | number | null>[]): void {
	console.table(rows);
}

/**
 * A benchmark run as a script: `run` measures, `print` shows its figures. Under `npm run bench`
 * (bench/all.ts) the figures are also written as JSON to the file BENCH_RESULT names.
 */
export function runAsScript<T>(run: () => Promise<T>, print: (figures: T) => void): void {
	run()
		.then(figures => {
			if (process.env.BENCH_RESULT) fs.writeFileSync(process.env.BENCH_RESULT, JSON.stringify(figures));
			print(figures);
			// Measured and reported: a handle some library left open must not keep the script alive.
			setTimeout(() => process.exit(), 5_000).unref();
		})
		.catch(err => {
			console.error(err);
			process.exit(1);
		});
}

/** Runs `n` calls of `one(i)`, `concurrency` at a time; calls per second. */
export async function throughput(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<number> {
	let next = 0;
	const started = process.hrtime.bigint();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < n) await one(next++);
		}),
	);
	return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The value below which a share `p` (0–1) of the sorted samples lie. */
export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
