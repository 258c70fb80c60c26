// jest's summary, ended with one plain line: "N passed, N failed" (", N skipped" when some were).
// CI's reader knows the closing lines of many test runners but not jest's ("Tests: 1180 passed,
// 1180 total"); without a line it reads, a green run was recorded as one that ran no test. The
// line has no leading word (the rule allows one; runs closed by "tests: N passed, N failed" were
// still recorded as running none), and the tests' own figures never say "N passed"/"N failed".
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

class SummaryWithClosingLine extends SummaryReporter {
	onRunComplete(contexts, results) {
		super.onRunComplete(contexts, results);
		// On stderr after jest's summary, and on stdout, last there too: a reader of either
		// stream, or of both interleaved, ends on it.
		const line = `${closingLine(results)}\n`;
		process.stderr.write(line);
		process.stdout.write(line);
	}
}

module.exports = SummaryWithClosingLine;
module.exports.closingLine = closingLine;
