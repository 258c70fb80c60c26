// What jest's "default" reporter list gives before its summary: per-file PASS/FAIL and failures as
// they come, or every test's name with --verbose (jest also turns verbose on for a single file).
// The summary is closing-line.reporter.js's, which ends it with the line CI counts.
const { DefaultReporter, VerboseReporter } = require("@jest/reporters");

module.exports = function ProgressReporter(globalConfig, options, context) {
	return globalConfig.verbose ? new VerboseReporter(globalConfig) : new DefaultReporter(globalConfig, options, context);
};
