// Commands the shop adds to Moleculer's REPL (`npm run repl`), for operators on a running cluster:
//   mol $ faults                                  the fault rules in force
//   mol $ fault payments.charge --errorRate 0.5   add or replace the rule for a target
//   mol $ fault shipping --latency 2000 --until 2030-01-01T00:00:00Z
//   mol $ fault inventory --unavailable
//   mol $ fault payments.charge --off             remove the rules for a target
// They go through the ops service like the admin API, so the same checks and the same spreading apply.
import type { ReplOptions, ServiceBroker } from "moleculer";
import { call } from "./call";
import type { FaultRule } from "../services/ops/ops.contract";

export interface FaultCommandOptions {
	latency?: string;
	errorRate?: string;
	unavailable?: boolean;
	until?: string;
	off?: boolean;
}

type RuleInput = Omit<Partial<FaultRule>, "until"> & { target: string; until?: string };

/** The rules after `fault <target> …`: the target's old rule gives way to the new one (or to none, with --off). */
export function rulesAfter(current: FaultRule[], target: string, opts: FaultCommandOptions): RuleInput[] {
	const others: RuleInput[] = current.filter(r => r.target !== target).map(({ until, ...r }) => (until ? { ...r, until } : r));
	if (opts.off) return others;
	const rule: RuleInput = { target };
	if (opts.latency !== undefined) rule.latencyMs = Number(opts.latency);
	if (opts.errorRate !== undefined) rule.errorRate = Number(opts.errorRate);
	if (opts.unavailable) rule.unavailable = true;
	if (opts.until !== undefined) rule.until = opts.until;
	if (rule.latencyMs === undefined && rule.errorRate === undefined && !rule.unavailable) rule.unavailable = true;
	return [...others, rule];
}

function show(rules: FaultRule[]): string {
	if (rules.length === 0) return "No fault rules: every service behaves.";
	return rules.map(r => `${r.target}: ${r.unavailable ? "unavailable" : `errorRate ${r.errorRate}`}, latency ${r.latencyMs} ms${r.until ? `, until ${r.until}` : ""}`).join("\n");
}

export const replOptions: ReplOptions = {
	customCommands: [
		{
			command: "faults",
			description: "List the fault-injection rules in force across the cluster",
			async action(broker: ServiceBroker) {
				const { rules } = await call(broker, "ops.faults", {});
				console.log(show(rules));
			},
		},
		{
			command: "fault <target>",
			description: "Make a service or action misbehave (or --off to stop)",
			options: [
				{ option: "--latency <ms>", description: "delay each call by this many ms (0–30000)" },
				{ option: "--errorRate <share>", description: "fail this share of calls as the service being down (0–1)" },
				{ option: "--unavailable", description: "fail every call (the default when nothing else is given)" },
				{ option: "--until <iso>", description: "the rule lapses at this time" },
				{ option: "--off", description: "remove the rules for this target" },
			],
			async action(broker: ServiceBroker, args: { target: string; options: FaultCommandOptions }) {
				const { rules: current } = await call(broker, "ops.faults", {});
				try {
					const { rules } = await call(broker, "ops.setFaults", { rules: rulesAfter(current, args.target, args.options) });
					console.log(show(rules));
				} catch (err) {
					console.log(`Refused: ${(err as Error).message}`, (err as { data?: unknown }).data ?? "");
				}
			},
		},
	] as ReplOptions["customCommands"],
};
