// The REPL's `fault` and `faults` commands, as an operator types them on a running node: they set
// and clear rules through the ops service, and the target misbehaves until the rule is taken back.
import type { ReplOptions, ServiceBroker } from "moleculer";
import CurrencyService from "../../services/currency/currency.service";
import OpsService from "../../services/ops/ops.service";
import { replOptions, rulesAfter } from "../../lib/repl-commands";
import { startBroker } from "../support/broker";
import { waitFor } from "../support/poll";

const command = (name: string) => replOptions.customCommands!.find(c => c.command.split(" ")[0] === name) as NonNullable<ReplOptions["customCommands"]>[number];

describe("REPL fault commands", () => {
	let broker: ServiceBroker;
	let printed: string[];
	beforeAll(async () => (broker = await startBroker([OpsService, CurrencyService])));
	afterAll(() => broker.stop());
	beforeEach(() => {
		printed = [];
		jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
	});
	afterEach(() => jest.restoreAllMocks());

	const type = (name: string, args: unknown) => command(name).action(broker, args as string[], {});
	const currencyCall = () => broker.call("currency.list").then(() => "ok", (err: { code?: number }) => err.code);

	it("makes a target fail, lists the rule, and takes it back with --off", async () => {
		await type("fault", { target: "currency.list", options: { errorRate: "1" } });
		expect(printed.join("\n")).toContain("currency.list: errorRate 1");
		await waitFor(currencyCall, outcome => outcome === 503, { timeoutMs: 2_000, what: "currency.list failing" });

		printed = [];
		await type("faults", { options: {} });
		expect(printed.join("\n")).toContain("currency.list: errorRate 1, latency 0 ms");

		await type("fault", { target: "currency.list", options: { off: true } });
		expect(printed.join("\n")).toContain("No fault rules");
		await waitFor(currencyCall, outcome => outcome === "ok", { timeoutMs: 2_000, what: "currency.list back" });
	});

	it("says what is wrong with a rule the ops service refuses, and changes nothing", async () => {
		await type("fault", { target: "currency", options: { latency: "99999" } });
		expect(printed.join("\n")).toMatch(/Refused/);
		printed = [];
		await type("faults", { options: {} });
		expect(printed.join("\n")).toContain("No fault rules");
	});

	it("replaces a target's rule and keeps the others", () => {
		const current = [
			{ id: "a", target: "payments", latencyMs: 0, errorRate: 0.5, unavailable: false, until: null },
			{ id: "b", target: "shipping", latencyMs: 100, errorRate: 0, unavailable: false, until: "2030-01-01T00:00:00.000Z" },
		];
		expect(rulesAfter(current, "payments", { unavailable: true })).toEqual([
			{ id: "b", target: "shipping", latencyMs: 100, errorRate: 0, unavailable: false, until: "2030-01-01T00:00:00.000Z" },
			{ target: "payments", unavailable: true },
		]);
		expect(rulesAfter(current, "shipping", { off: true })).toEqual([{ id: "a", target: "payments", latencyMs: 0, errorRate: 0.5, unavailable: false }]);
		expect(rulesAfter([], "inventory", {})).toEqual([{ target: "inventory", unavailable: true }]);
	});
});
