// Issue 13's finding: `npm run bench:checkout` read the shop's configuration before it set
// DATA_DIR=":memory:", so its "in-memory" checkouts wrote NeDB files under ./data, which piled up
// until a second run failed its own check. The bench, run twice from an empty folder as a script
// (with a few checkouts), must leave that folder empty and succeed both times.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../../lib/paths";

const BENCH = path.join(projectRoot, "dist", "bench", "checkout.bench.js");

describe("the checkout benchmark on the in-memory store", () => {
	const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "shop-bench-cwd-"));
	afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

	it("writes no file where it runs, and runs again", () => {
		if (!fs.existsSync(BENCH)) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
		for (const run of [1, 2]) {
			const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CHECKOUTS: "40", BENCH_DETAILS: "0" };
			for (const name of ["DATA_DIR", "BENCH_STORE", "BENCH_MAIL"]) delete env[name];
			const bench = spawnSync(process.execPath, [BENCH], { cwd, env, encoding: "utf8", timeout: 60_000 });
			expect({ run, status: bench.status, stderr: bench.stderr.slice(-2_000) }).toEqual({ run, status: 0, stderr: expect.any(String) });
			expect(bench.stdout).toMatch(/stores in memory/);
			expect(fs.readdirSync(cwd)).toEqual([]);
		}
	}, 120_000);
});
