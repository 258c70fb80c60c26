// The architecture's rules are the linter's: a service meets another only through the broker and
// the other's contract file, shared code knows no service, and no service calls another raw.
// These cases lint source text as if it stood at the given path, with the project's own config.
// (ESLint runs in a child process: its flat config is an ES module, which jest's VM cannot import.)
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.join(__dirname, "../..");
const ESLINT = path.join(root, "node_modules", ".bin", "eslint");

async function problems(filePath: string, code: string): Promise<string[]> {
	const run = spawnSync(ESLINT, ["--stdin", "--stdin-filename", filePath, "--format", "json"], { cwd: root, input: code, encoding: "utf8" });
	if (!run.stdout) throw new Error(`eslint did not answer: ${run.stderr}`);
	const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
	return result.messages.map(m => m.ruleId ?? m.message);
}

describe("architecture boundaries (eslint)", () => {
	it("keeps a service's schema file to 300 lines", async () => {
		const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const x${i} = ${i};`).join("\n") + "\n";
		expect(await problems("services/cart/cart.service.ts", lines(301))).toContain("max-lines");
		expect(await problems("services/cart/cart.service.ts", lines(300))).toEqual([]);
	});

	it("refuses a service importing another service's module", async () => {
		expect(await problems("services/cart/bad.ts", `import { OrderRepo } from "../orders/repo";\nexport const x = OrderRepo;\n`)).toContain("no-restricted-imports");
	});

	it("refuses the same import by a longer way round", async () => {
		expect(await problems("services/cart/bad.ts", `import { OrderRepo } from "../../services/orders/repo";\nexport const x = OrderRepo;\n`)).toContain("no-restricted-imports");
	});

	it("lets a service import another service's contract, its own modules and shared code", async () => {
		const code = [
			`import type { Order } from "../orders/orders.contract";`,
			`import { mergeLines } from "./lines";`,
			`import { config } from "../../lib/config";`,
			`export const x: Order | null = null;`,
			`export const y = [mergeLines, config];`,
		].join("\n");
		expect(await problems("services/cart/good.ts", code + "\n")).toEqual([]);
	});

	it("refuses shared code importing a service's module, but not its contract", async () => {
		expect(await problems("lib/bad.ts", `import { OrderRepo } from "../services/orders/repo";\nexport const x = OrderRepo;\n`)).toContain("no-restricted-imports");
		expect(await problems("mixins/good.ts", `import type { Order } from "../services/orders/orders.contract";\nexport const x: Order | null = null;\n`)).toEqual([]);
	});

	it("refuses a raw ctx.call or broker.emit in a service", async () => {
		expect(await problems("services/cart/bad.ts", `export const f = (ctx: { call(a: string): void }) => ctx.call("orders.list");\n`)).toContain("no-restricted-syntax");
		expect(await problems("services/cart/bad.ts", `export function f(this: { broker: { emit(a: string): void } }) { this.broker.emit("x"); }\n`)).toContain("no-restricted-syntax");
	});
});
