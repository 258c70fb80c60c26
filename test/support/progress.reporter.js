// jest's default reporter without its summary (PASS/FAIL per file, failures as they come): the
// summary is closing-line.reporter.js's, which ends it with the line CI counts.
module.exports = require("@jest/reporters").DefaultReporter;
