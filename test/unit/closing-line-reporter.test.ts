// CI records a green run as "ran no test" unless the output ends with a closing line it can read:
// "N passed, N failed" alone on a line (", N skipped" may follow; one word with a colon may lead).
// jest's own summary ("Tests: 3 passed, 3 total") is not such a line, and is not printed at all.
import { spawnSync } from "node:child_process";
import path from "node:path";

const { closingLine, runFigures } = require("../support/closing-line.reporter.js") as {
	closingLine(results: Record<string, unknown>): string;
	runFigures(results: Record<string, unknown>): string;
};

const CI_CLOSING_LINE = /^(\w+: )?\d+ passed, \d+ failed(, \d+ skipped)?$/;
const ROOT = path.resolve(__dirname, "../..");

const results = (counts: Record<string, unknown>) => ({
	numPassedTests: 0,
	numFailedTests: 0,
	numPendingTests: 0,
	numTodoTests: 0,
	numRuntimeErrorTestSuites: 0,
	...counts,
});

describe("the run's closing line", () => {
	it("counts passed and failed tests in the form CI reads", () => {
		expect(closingLine(results({ numPassedTests: 1180 }))).toBe("1180 passed, 0 failed");
		expect(closingLine(results({ numPassedTests: 1180 }))).toMatch(CI_CLOSING_LINE);
	});

	it("counts a suite that could not run as a failure, and says what was skipped", () => {
		const line = closingLine(results({ numPassedTests: 7, numFailedTests: 1, numRuntimeErrorTestSuites: 2, numPendingTests: 3 }));
		expect(line).toBe("7 passed, 3 failed, 3 skipped");
		expect(line).toMatch(CI_CLOSING_LINE);
	});

	it("says a run that failed outside its tests failed", () => {
		expect(closingLine(results({ numPassedTests: 5, runExecError: { message: "boom" } }))).toBe("5 passed, 1 failed");
		expect(closingLine(results({ numPassedTests: 5, snapshot: { failure: true } }))).toBe("5 passed, 1 failed");
	});

	it("says what jest's summary said besides the counts, in words no reader takes for them", () => {
		const at = Date.now() - 12_345;
		expect(runFigures({ numTotalTestSuites: 148, numFailedTestSuites: 0, numRuntimeErrorTestSuites: 0, startTime: at })).toMatch(/^148 test files, 12\.\d s$/);
		expect(runFigures({ numTotalTestSuites: 3, numFailedTestSuites: 1, numRuntimeErrorTestSuites: 1, startTime: at, wasInterrupted: true })).toMatch(/^3 test files \(2 failing\), 12\.\d s, interrupted$/);
	});

	it("is the last line jest prints, after its summary, and the only line of stdout", () => {
		const jest = spawnSync(process.execPath, [path.join(ROOT, "node_modules/jest/bin/jest.js"), "--ci", "test/unit/cart-keys.test.ts"], {
			cwd: ROOT,
			encoding: "utf8",
			// Plain text whatever terminal runs the outer jest (its workers get FORCE_COLOR=1 from a colour one).
			env: { ...process.env, JEST_WORKER_ID: undefined, FORCE_COLOR: "0" },
		});
		expect(jest.status).toBe(0);
		const lines = jest.stderr.trimEnd().split("\n");
		expect(lines.at(-1)).toMatch(CI_CLOSING_LINE);
		expect(lines.at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/);
		expect(lines.at(-2)).toMatch(/^1 test file, \d+\.\d s$/);
		// jest's own count lines are gone: only the closing line says how many ran.
		expect(lines.filter(l => /^(Tests|Test Suites|Snapshots|Time):|^Ran all test suites/.test(l))).toEqual([]);
		// stdout carries it too, and nothing else: a reader of stdout alone sees the count.
		expect(jest.stdout.trimEnd().split("\n")).toEqual([lines.at(-1)]);
		// No other line reads as a count: the reader must not take another for the run's.
		const counts = lines.filter(l => /\b\d+ (passed|failed|total)\b/.test(l));
		expect(counts).toEqual([lines.at(-1)]);
	});
});
