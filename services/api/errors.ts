// Turns any error into the contract's one shape: { name, message, code, type, data }, with the
// HTTP status in `code`. Nothing internal leaks: no stack, no addresses, no message of a bug.
import { Errors } from "moleculer";
import { isUnreachable } from "../../lib/errors";

export interface PublicError {
	name: string;
	message: string;
	code: number;
	type: string;
	data?: unknown;
}

/** Seconds a client should wait before asking again after a 503. */
export const RETRY_AFTER_UNAVAILABLE = 5;

interface HttpParserError extends Error {
	type?: string;
	status?: number;
}

/**
 * Each field problem as { field, message, type }: the validator also adds the node, the action
 * and the refused value (which could be a card number), and a client needs none of them.
 * `$$strict` reports unknown properties with no field, their names in `actual`: one entry each.
 */
function fieldsOnly(data: unknown): unknown {
	if (!Array.isArray(data)) return data;
	return data.flatMap(item => {
		if (!item || typeof item !== "object") return [item];
		const { field, message, type, actual } = item as Record<string, unknown>;
		if (type === "objectStrict" && typeof actual === "string")
			return actual.split(", ").map(key => ({ field: field ? `${field}.${key}` : key, message: `Unknown field '${key}'`, type }));
		return [{ field: field ?? "", message, ...(type ? { type } : {}) }];
	});
}

/** The contract's shape always has all five fields; `data` is null when there is nothing to add. */
export function toPublicError(err: unknown): PublicError {
	const body = shape(err);
	return { ...body, data: body.data ?? null };
}

function shape(err: unknown): PublicError {
	const e = err as Errors.MoleculerError & HttpParserError;

	// body-parser's own errors, raised before any action runs.
	if (e?.type === "entity.too.large") return { name: "PayloadTooLargeError", message: "Request body is too large", code: 413, type: "PAYLOAD_TOO_LARGE" };
	if (e?.type === "entity.parse.failed") return { name: "BadRequestError", message: "Malformed JSON in request body", code: 400, type: "INVALID_REQUEST_BODY" };
	if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") return { name: "UnsupportedMediaTypeError", message: e.message, code: 415, type: "UNSUPPORTED_MEDIA_TYPE" };

	if (isUnreachable(e)) {
		return {
			name: "ServiceUnavailableError",
			message: e.code === 503 && e.type === "SERVICE_UNAVAILABLE" && e.message ? e.message : "A service this request needs is not available right now",
			code: 503,
			type: "SERVICE_UNAVAILABLE",
			data: e.type === "SERVICE_UNAVAILABLE" ? e.data : undefined,
		};
	}

	const status = (e as { code?: unknown })?.code;
	if (typeof status === "number") {
		const code = Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
		// moleculer-web's own rate limiter answers without a type; say it as the login throttle does.
		if (code === 429) return { name: "TooManyRequestsError", message: e.message, code, type: e.type === "TOO_MANY_REQUESTS" ? e.type : "TOO_MANY_REQUESTS", data: e.data };
		if (code < 500) {
			return { name: e.name, message: e.message, code, type: e.type || "CLIENT_ERROR", data: code === 422 ? fieldsOnly(e.data) : e.data };
		}
	}
	return { name: "InternalServerError", message: "Something went wrong on our side", code: 500, type: "INTERNAL_ERROR" };
}
