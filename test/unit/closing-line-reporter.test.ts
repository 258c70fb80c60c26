// CI records a green run as "ran no test" unless the output ends with a closing line it can read:
// "N passed, N failed" alone on a line (", N skipped" may follow; one word with a colon may lead).
// jest's own summary ("Tests: 3 passed, 3 total") is not such a line.
import { spawnSync } from "node:child_process";
import path from "node:path";

const { closingLine } = require("../support/closing-line.reporter.js") as {
	closingLine(results: Record<string, unknown>): string;
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

	it("is the last line jest prints, after its own summary, and the only line of stdout", () => {
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
		expect(lines.at(-2)).toMatch(/^Ran all test suites/);
		// stdout carries it too, and nothing else: a reader of stdout alone sees the count.
		expect(jest.stdout.trimEnd().split("\n")).toEqual([lines.at(-1)]);
		// No other line reads as a count (jest's own "Tests: N passed, N total" aside): the reader
		// must not take another for the run's.
		const counts = lines.filter(l => /\b\d+ (passed|failed)\b/.test(l) && !/^(Tests|Test Suites):/.test(l));
		expect(counts).toEqual([lines.at(-1)]);
	});
});
