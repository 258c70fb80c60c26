// Typed calls between services: the action name decides the params and the result, so a call
// with a misspelt name, wrong params or a misused result fails to compile.
import type { CallingOptions, Context, ServiceBroker } from "moleculer";
import type { Actions } from "./actions";
import { isUnreachable } from "./errors";

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

/**
 * A call to an optional part of the shop: when the service is down, slow or broken, answer
 * `fallback` instead of failing the request. Client errors (4xx) still throw: they are answers.
 * (Moleculer's `fallbackResponse` option does not cover a service that is not registered at all.)
 */
export async function callOptional<A extends ActionName, F>(
	caller: Context | ServiceBroker,
	action: A,
	params: ParamsOf<A>,
	fallback: F,
	opts?: CallingOptions,
): Promise<ResultOf<A> | F> {
	try {
		return await call(caller, action, params, opts);
	} catch (err) {
		const code = (err as { code?: unknown }).code;
		if (typeof code === "number" && code >= 400 && code < 500 && !isUnreachable(err)) throw err;
		const logger = "logger" in caller ? caller.logger : (caller as Context).broker.logger;
		logger.warn(`Optional call '${action}' failed; answering without it: ${(err as Error).message}`);
		return fallback;
	}
}
