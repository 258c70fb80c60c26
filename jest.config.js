// Four tiers, each a folder of test/: `npm run test:unit` (logic, no broker), `test:integration`
// (brokers in one process: local, or several nodes on Moleculer's Fake transporter), `test:cluster`
// (real node processes on NATS; only this tier needs a NATS server), `test:browser` (the storefront
// in Chromium). `npm test` runs all four in one jest run, the browser tier last (see the sequencer).
// One jest project, not four, so the output stays jest's plain one; its last line is
// test/support/closing-line.reporter.js's count, the form CI's reader takes (on stderr after the
// summary, and alone on stdout).

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: "node",
	roots: ["<rootDir>/test"],
	testMatch: ["**/*.test.ts"],
	transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
	setupFiles: ["<rootDir>/test/support/env.ts"],
	// Finds NATS once for the cluster tier; a run without NATS fails only the tests that need it.
	globalSetup: "<rootDir>/test/support/global-setup.ts",
	testSequencer: "<rootDir>/test/support/browser-last.sequencer.mjs",
	// jest's "default" reporters, its summary's counts said once, in the plain "N passed, N failed"
	// line that ends the run and that CI's reader counts.
	reporters: ["<rootDir>/test/support/progress.reporter.js", "<rootDir>/test/support/closing-line.reporter.js"],
	testTimeout: 30_000,
	// Two cores: cluster tests start real node processes; more workers would only fight for CPU.
	maxWorkers: 2,
};
