// The JSON body of a request, read with the limit of the route it is for: a sign-in needs a few
// hundred bytes, a product a few kilobytes, and no route needs the megabyte a single generic limit
// would let anyone send (and the services then validate). The size is refused from Content-Length
// before a byte is read when it says too much, and while reading when it lied.
import type { IncomingMessage, ServerResponse } from "node:http";

/** The error a body problem raises; ./errors.ts turns its `type` into 400, 413 or 415. */
export class BodyError extends Error {
	constructor(
		readonly type: "entity.too.large" | "entity.parse.failed" | "encoding.unsupported" | "charset.unsupported",
		message: string,
	) {
		super(message);
	}
}

interface Limit {
	method: string;
	path: RegExp;
	bytes: number;
}

/** From `{ "POST auth/login": 4096 }` (alias keys, as in routes.ts) to matchers on the URL below the route's base path. */
export function bodyLimits(table: Record<string, number>): Limit[] {
	return Object.entries(table).map(([alias, bytes]) => {
		const [method, path] = alias.split(" ");
		const pattern = path
			.split("/")
			.map(part => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
			.join("/");
		return { method, path: new RegExp(`^/${pattern}/?$`), bytes };
	});
}

type Next = (err?: unknown) => void;
type BodyRequest = IncomingMessage & { body?: unknown };

/** A moleculer-web route middleware (`use`): parses JSON bodies within each route's limit, `fallback` for routes not listed. */
export function jsonBody(limits: Limit[], fallback: number) {
	return function readJsonBody(req: BodyRequest, _res: ServerResponse, next: Next): void {
		req.body = {};
		if (!isJson(req.headers["content-type"])) return next();
		const path = (req.url ?? "/").split("?")[0];
		const limit = limits.find(l => l.method === req.method && l.path.test(path))?.bytes ?? fallback;

		const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
		if (encoding !== "identity") return next(new BodyError("encoding.unsupported", `Content-Encoding '${encoding.slice(0, 20)}' is not accepted`));
		const charset = /;\s*charset=([^;\s]*)/i.exec(req.headers["content-type"] ?? "")?.[1].replace(/"/g, "").toLowerCase();
		if (charset && charset !== "utf-8" && charset !== "utf8") return next(new BodyError("charset.unsupported", "Only UTF-8 bodies are accepted"));

		const declared = Number(req.headers["content-length"]);
		if (declared > limit) return tooLarge(req, next);

		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		const finish = (err?: unknown) => {
			if (done) return;
			done = true;
			req.off("data", onData);
			if (err) return next(err);
			next(parse(Buffer.concat(chunks, size).toString("utf8"), req));
		};
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) return tooLarge(req, finish);
			chunks.push(chunk);
		};
		req.on("data", onData);
		req.once("end", () => finish());
		req.once("error", err => finish(err));
	};
}

function tooLarge(req: IncomingMessage, next: Next): void {
	// Nothing more is read: the answer goes out and Node closes the connection it cannot reuse.
	req.pause();
	next(new BodyError("entity.too.large", "Request body is too large"));
}

/** undefined when the body was parsed onto `req.body`; the error otherwise. */
function parse(text: string, req: BodyRequest): BodyError | undefined {
	const first = /\S/.exec(text)?.[0];
	if (first === undefined) return undefined; // an empty body is no body
	// Only objects and arrays, as body-parser's `strict`: a bare `"x"` or `1` is no request body.
	if (first !== "{" && first !== "[") return new BodyError("entity.parse.failed", "Malformed JSON in request body");
	try {
		req.body = JSON.parse(text);
		return undefined;
	} catch {
		return new BodyError("entity.parse.failed", "Malformed JSON in request body");
	}
}

function isJson(contentType: string | undefined): boolean {
	const type = contentType?.split(";")[0].trim().toLowerCase();
	return type === "application/json" || (type !== undefined && /^application\/[a-z0-9.-]{1,60}\+json$/.test(type));
}
