// Typed calls between services, with one failure policy. The action name decides the params and
// the result (from the contracts, see lib/actions.ts), so a call with a misspelt name, wrong
// params or a misused result fails to compile. `ifDown` says what a service that cannot be
// reached (not found, timed out, 503) means to this caller:
//   "fail"     a 503 naming the service (the default): the request cannot do without it;
//   "unknown"  a 503 that remembers whether the request may have reached it (a saga step whose
//              outcome must be settled later: see StepUnreachableError);
//   { fallback } answer this value instead: an optional part of the page (also on a 5xx).
// The service's own answers (404, 409, 422…) always pass through unchanged.
import { Errors, type CallingOptions, type Context, type ServiceBroker } from "moleculer";
import type { Actions } from "./actions";
import { isUnreachable, ServiceDownError } from "./errors";

export type ActionName = keyof Actions;
export type ParamsOf<A extends ActionName> = Actions[A]["params"];
export type ResultOf<A extends ActionName> = Actions[A]["result"];

export type IfDown<F> = "fail" | "unknown" | { fallback: F };
export type CallOptions<F = never> = CallingOptions & { ifDown?: IfDown<F> };
type Caller = Context | ServiceBroker;

/** A 503 naming the service, remembering whether the request may have reached it. */
export class StepUnreachableError extends ServiceDownError {
	constructor(
		service: string,
		readonly sent: boolean,
	) {
		super(service);
	}
}

/** `call(ctx, "inventory.reserve", { … }, { timeout, ifDown })`; a broker works too (tests, REPL scripts). */
export function call<A extends ActionName>(caller: Caller, action: A, params: ParamsOf<A>, opts?: CallOptions): Promise<ResultOf<A>>;
export function call<A extends ActionName, F>(caller: Caller, action: A, params: ParamsOf<A>, opts: CallOptions<F> & { ifDown: { fallback: F } }): Promise<ResultOf<A> | F>;
// Not an async function: a plain promise chain costs less on a path every request takes.
export function call<A extends ActionName, F>(caller: Caller, action: A, params: ParamsOf<A>, opts: CallOptions<F> = {}): Promise<ResultOf<A> | F> {
	const { ifDown = "fail", ...calling } = opts;
	let sent: Promise<unknown>;
	try {
		sent = caller.call(action, params, calling);
	} catch (err) {
		sent = Promise.reject(err);
	}
	return (sent as Promise<ResultOf<A>>).catch((err: unknown): F => {
		const service = action.slice(0, action.indexOf("."));
		if (typeof ifDown === "object") {
			if (!isUnreachable(err) && isAnswer(err)) throw err;
			loggerOf(caller).warn(`Optional call '${action}' failed; answering without it: ${(err as Error).message}`);
			return ifDown.fallback;
		}
		if (!isUnreachable(err) || err instanceof ServiceDownError) throw err;
		if (ifDown === "unknown") throw new StepUnreachableError(service, !neverSent(err));
		throw new ServiceDownError(service);
	});
}

/** A 4xx is the service's answer, not a failure to reach it. */
function isAnswer(err: unknown): boolean {
	const code = (err as { code?: unknown }).code;
	return typeof code === "number" && code >= 400 && code < 500;
}

/** Errors raised before a request leaves this node: the service never saw it. */
function neverSent(err: unknown): boolean {
	return (
		err instanceof Errors.ServiceNotFoundError ||
		err instanceof Errors.ServiceNotAvailableError ||
		err instanceof Errors.RequestSkippedError ||
		err instanceof Errors.QueueIsFullError
	);
}

function loggerOf(caller: Caller) {
	return "logger" in caller ? caller.logger : (caller as Context).broker.logger;
}
