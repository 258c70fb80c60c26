// Typed calls between services: the action name decides the params and the result, so a call
// with a misspelt name, wrong params or a misused result fails to compile.
import type { CallingOptions, Context, ServiceBroker } from "moleculer";
import type { Actions } from "../types/actions";

export type ActionName = keyof Actions;
export type ParamsOf<A extends ActionName> = Actions[A]["params"];
export type ResultOf<A extends ActionName> = Actions[A]["result"];

/** `call(ctx, "inventory.reserve", { … })` instead of `ctx.call(…)`; a broker works too (tests, REPL scripts). */
export function call<A extends ActionName>(
	caller: Context | ServiceBroker,
	action: A,
	params: ParamsOf<A>,
	opts?: CallingOptions,
): Promise<ResultOf<A>> {
	return caller.call(action, params, opts) as Promise<ResultOf<A>>;
}
