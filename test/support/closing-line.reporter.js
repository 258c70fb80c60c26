// jest's summary, with its counts said once, in one plain line that ends the run: "N passed, N
// failed" (", N skipped" when some were). CI's reader knows the closing lines of many test runners
// but not jest's, and recorded green runs that ended with jest's own summary ("Tests: 1180 passed,
// 1180 total", "Snapshots: 0 total", "Ran all test suites.") as having run no test, also with a
// "tests: N passed, N failed" line after it. So jest's count lines are not printed at all: the
// failing tests are listed again as jest does, then one line of figures in other words, then the
// closing line; and the tests' own figures never say "N passed"/"N failed".
// It replaces jest's "summary" reporter (always the last one jest adds) so the line comes last.
// A suite that could not run at all counts as failed, as it does in jest's exit code.
const { SummaryReporter } = require("@jest/reporters");

/**
 * The closing line for jest's aggregated results. A run that failed for no test of its own (an
 * error outside the tests, an obsolete snapshot under --ci) says at least 1 failed.
 */
function closingLine(results) {
	const runFailed = results.runExecError || results.snapshot?.failure ? 1 : 0;
	const failed = results.numFailedTests + results.numRuntimeErrorTestSuites + runFailed;
	const skipped = results.numPendingTests + results.numTodoTests;
	return `${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
}

/** What jest's summary said besides the counts: files run, failing files, time. */
function runFigures(results) {
	const seconds = ((Date.now() - results.startTime) / 1000).toFixed(1);
	const failingFiles = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
	const files = results.numTotalTestSuites === 1 ? "1 test file" : `${results.numTotalTestSuites} test files`;
	return `${files}${failingFiles ? ` (${failingFiles} failing)` : ""}, ${seconds} s${results.wasInterrupted ? ", interrupted" : ""}`;
}

class SummaryWithClosingLine extends SummaryReporter {
	onRunComplete(contexts, results) {
		// jest's own summary, less its count lines (SummaryReporter.onRunComplete in jest 29).
		if (results.numTotalTestSuites) {
			this._printSummary(results, this._globalConfig);
			this._printSnapshotSummary(results.snapshot, this._globalConfig);
			this.log(runFigures(results));
		}
		// On stderr after the summary, and on stdout, last there too: a reader of either
		// stream, or of both interleaved, ends on it.
		const line = `${closingLine(results)}\n`;
		process.stderr.write(line);
		process.stdout.write(line);
	}
}

module.exports = SummaryWithClosingLine;
module.exports.closingLine = closingLine;
module.exports.runFigures = runFigures;
