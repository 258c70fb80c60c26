// Lint: typescript-eslint's recommended rules, and the architecture's boundaries:
// - a service's folder imports only shared code (lib/, mixins/, middlewares/) and other services'
//   contract files: services meet through the broker, never through each other's modules;
// - shared code never imports a service's folder, except a contract file;
// - services call and emit through lib/call.ts and lib/emit.ts (typed by the contracts), never
//   through a raw ctx.call / broker.call.
// `any` is allowed only in tests.
import fs from "node:fs";
import tseslint from "typescript-eslint";

const services = fs.readdirSync(new URL("./services", import.meta.url), { withFileTypes: true }).filter(d => d.isDirectory()).map(d => d.name);

const NOT_A_CONTRACT = "(?![^/]+/[^/]+\\.contract$)";
const intoAnotherService = service => ({
	// ../other/… from the service's own folder, or …/services/other/… by any longer way.
	regex: `^(\\.\\./(?!${service}/)(?!\\.\\.)${NOT_A_CONTRACT}[^/]+/|(\\.\\./)+services/${NOT_A_CONTRACT})`,
	message: "A service meets another only through the broker and the other's contract file (services/<name>/<name>.contract.ts).",
});
const intoAnyService = {
	regex: `(^|/)services/${NOT_A_CONTRACT}`,
	message: "Shared code knows no service: import only a service's contract file.",
};
const RAW_CALL = "CallExpression[callee.property.name=/^(call|mcall|emit|broadcast|broadcastLocal)$/]";
const rawCalls = ["ctx", "broker"].map(name => ({
	selector: `${RAW_CALL}[callee.object.name='${name}'], ${RAW_CALL}[callee.object.property.name='${name}']`,
	message: "Call other services with call()/emit() from lib/ (typed by their contracts), not a raw ctx.call/broker.call.",
}));

export default tseslint.config(
	{ ignores: ["dist/**", "node_modules/**", "coverage/**", "data/**", "public/images/**", "jest.config.js"] },
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
		},
	},
	...services.map(service => ({
		files: [`services/${service}/**/*.ts`],
		rules: {
			"no-restricted-imports": ["error", { patterns: [intoAnotherService(service)] }],
			"no-restricted-syntax": ["error", ...rawCalls],
		},
	})),
	{
		// A service's schema reads top to bottom on a few screens; its modules hold the rest.
		files: ["services/*/*.service.ts"],
		rules: { "max-lines": ["error", { max: 300 }] },
	},
	{
		files: ["lib/**/*.ts", "mixins/**/*.ts", "middlewares/**/*.ts"],
		rules: { "no-restricted-imports": ["error", { patterns: [intoAnyService] }] },
	},
	{
		files: ["test/**/*.ts", "test/**/*.js", "bench/**/*.ts"],
		rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
	},
);
