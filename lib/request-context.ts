// Which request a log line belongs to. A broker middleware remembers the context of every action
// and event handler while it runs (AsyncLocalStorage follows it through awaits), and the JSON log
// formatter adds its request id and trace id to each line. The request id is Moleculer's own: it
// travels with every call to other nodes, so each service that handled a request logs the same
// id, and the gateway returns it to the client as X-Request-Id.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, Middleware } from "moleculer";

interface RequestIds {
	requestId: string;
	traceId: string | null;
}

const current = new AsyncLocalStorage<RequestIds>();

/** The ids of the request being handled here, or undefined outside any. */
export function currentRequest(): RequestIds | undefined {
	return current.getStore();
}

function idsOf(ctx: Context): RequestIds {
	return { requestId: ctx.requestID ?? ctx.id, traceId: (ctx as Context & { span?: { traceID?: string } }).span?.traceID ?? null };
}

export function RequestContextMiddleware(): Middleware {
	const around = (next: (ctx: Context) => unknown) => (ctx: Context) => current.run(idsOf(ctx), () => next(ctx));
	return { name: "RequestContext", localAction: around, localEvent: around } as unknown as Middleware;
}

type Bindings = Record<string, unknown>;
type PrintArgs = (args: unknown[]) => unknown[];

/** Moleculer's "json" line, plus the request's ids: `{"ts","level","msg","nodeID","ns","mod","requestId","traceId"}`. */
export function jsonLine(type: string, args: unknown[], bindings: Bindings, { printArgs }: { printArgs: PrintArgs }): string[] {
	const ids = currentRequest();
	return [JSON.stringify({ ts: Date.now(), level: type, msg: printArgs(args).join(" "), ...bindings, ...(ids ?? {}) })];
}
