// Contracts bind both sides at compile time: these cases compile small services and callers
// against lib/contract.ts and lib/call.ts, and expect the compiler to refuse every drift.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";

const root = path.join(__dirname, "../..");
const lib = (name: string) => JSON.stringify(path.join(root, "lib", name));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "contract-types-"));

const PRELUDE = `
import type { Service } from "moleculer";
import { action, as, contract, implement } from ${lib("contract")};
import { call } from ${lib("call")};
export const Shelf = contract("shelf", {
	put: action({ params: { $$strict: true, sku: "string|max:64", count: "number|integer|min:1", note: "string|optional" }, result: as<{ stored: number }>() }),
});
type ShelfThis = Service & { total: number };
`;

// Every case is one file of one program, compiled once: a program per case would take seconds each.
const cases = new Map<string, string>();
let diagnostics: Map<string, string[]> | null = null;

/** Registers a case (at load time, so that one compilation covers them all); `said` reads its errors. */
function source(body: string): string {
	const file = path.join(dir, `case-${cases.size}.ts`);
	cases.set(file, PRELUDE + body);
	return file;
}

function compileAll(): Map<string, string[]> {
	for (const [file, text] of cases) fs.writeFileSync(file, text);
	const program = ts.createProgram([...cases.keys()], {
		strict: true,
		noEmit: true,
		target: ts.ScriptTarget.ES2022,
		module: ts.ModuleKind.CommonJS,
		moduleResolution: ts.ModuleResolutionKind.Node10,
		esModuleInterop: true,
		skipLibCheck: true,
		types: ["node"],
		typeRoots: [path.join(root, "node_modules", "@types")],
		baseUrl: root,
		paths: { "*": ["node_modules/*", "node_modules/@types/*"] },
	});
	const byFile = new Map<string, string[]>([...cases.keys()].map(f => [f, []]));
	for (const d of ts.getPreEmitDiagnostics(program)) {
		const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
		// A case must fail for its own reason, never because the fixture could not be set up.
		if (text.startsWith("Cannot find module")) throw new Error(`Fixture setup: ${text}`);
		if (d.file && byFile.has(d.file.fileName)) byFile.get(d.file.fileName)!.push(text);
	}
	return byFile;
}

/** What the compiler said about a registered case. */
function said(file: string): string[] {
	diagnostics ??= compileAll();
	return diagnostics.get(file)!;
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BROKER = `import type { ServiceBroker } from "moleculer";\n`;
const fits = source(`export const a = implement<ShelfThis>()(Shelf, { put: { handler(ctx) { const n: number = ctx.params.count; return { stored: n + this.total }; } } });`);
const resultDrifts = source(`export const a = implement<ShelfThis>()(Shelf, { put: { handler() { return { stored: "3" }; } } });`);
const unknownParam = source(`export const a = implement<ShelfThis>()(Shelf, { put: { handler(ctx) { return { stored: ctx.params.quantity }; } } });`);
const otherShape = source(`import type { Context } from "moleculer";
export const a = implement<ShelfThis>()(Shelf, { put: { handler(ctx: Context<{ sku: number }>) { return { stored: ctx.params.sku }; } } });`);
const missing = source(`export const a = implement<ShelfThis>()(Shelf, {});`);
const extra = source(`export const a = implement<ShelfThis>()(Shelf, { put: { handler: () => ({ stored: 1 }) }, take: { handler: () => 1 } });`);
const goodCall = source(`${BROKER}export async function f(b: ServiceBroker) { const r = await call(b, "currency.convert", { from: "USD", to: "EUR", amounts: [1] }); const n: number[] = r.amounts; return n; }`);
const badParams = source(`${BROKER}export const f = (b: ServiceBroker) => call(b, "currency.convert", { from: "USD", to: "EUR", amounts: ["1"] });`);
const badResultUse = source(`${BROKER}export async function f(b: ServiceBroker) { const r = await call(b, "currency.convert", { from: "USD", to: "EUR", amounts: [1] }); const s: string = r.currency.length; return s; }`);
const misspelt = source(`${BROKER}export const f = (b: ServiceBroker) => call(b, "currency.convrt", { from: "USD", to: "EUR", amounts: [1] });`);

describe("contracts bind both sides", () => {
	it("compiles a handler that takes the contract's params and gives its result", () => {
		expect(said(fits)).toEqual([]);
	});

	it("refuses a handler whose result drifts from the contract", () => {
		expect(said(resultDrifts)).not.toEqual([]);
	});

	it("refuses a handler that reads a param the contract does not have", () => {
		expect(said(unknownParam)).not.toEqual([]);
	});

	it("refuses a handler annotated with params of another shape", () => {
		expect(said(otherShape)).not.toEqual([]);
	});

	it("refuses a service that leaves out an action of its contract, or adds one", () => {
		expect(said(missing)).not.toEqual([]);
		expect(said(extra)).not.toEqual([]);
	});

	it("refuses a call whose params, name or use of the result do not fit the callee's contract", () => {
		expect(said(goodCall)).toEqual([]);
		expect(said(badParams)).not.toEqual([]);
		expect(said(badResultUse)).not.toEqual([]);
		expect(said(misspelt)).not.toEqual([]);
	});
});
