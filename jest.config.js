/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: "node",
	roots: ["<rootDir>/test"],
	testMatch: ["**/*.test.ts"],
	transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }] },
	setupFiles: ["<rootDir>/test/support/env.ts"],
	globalSetup: "<rootDir>/test/support/global-setup.ts",
	testTimeout: 30_000,
	// Two cores: cluster tests start real node processes; more workers would only fight for CPU.
	maxWorkers: 2,
};
