// Four tiers, each a jest project: `npm run test:unit` (logic, no broker), `test:integration`
// (brokers in one process: local, or several nodes on Moleculer's Fake transporter), `test:cluster`
// (real node processes on NATS; only this tier looks for a NATS server), `test:browser` (the storefront
// in Chromium). `npm test` runs all four in one jest run, the browser tier last (see the sequencer).
const shared = {
	testEnvironment: "node",
	testMatch: ["**/*.test.ts"],
	transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
	setupFiles: ["<rootDir>/test/support/env.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
	projects: [
		{ ...shared, displayName: "unit", roots: ["<rootDir>/test/unit"] },
		{ ...shared, displayName: "integration", roots: ["<rootDir>/test/integration"] },
		{ ...shared, displayName: "cluster", roots: ["<rootDir>/test/cluster"], globalSetup: "<rootDir>/test/support/global-setup.ts" },
		// The storefront in the system's Chromium (test/support/browser.ts finds it, never downloads one).
		{ ...shared, displayName: "browser", roots: ["<rootDir>/test/browser"] },
	],
	testSequencer: "<rootDir>/test/support/browser-last.sequencer.mjs",
	testTimeout: 30_000,
	// Two cores: cluster tests start real node processes; more workers would only fight for CPU.
	maxWorkers: 2,
};
