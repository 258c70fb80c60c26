// Errors a caller can act on. Each carries its HTTP status as `code`, a stable `type`, and data;
// moleculer-web turns them into the contract's one error shape. Anything else is a bug (500).
import { Errors } from "moleculer";

const { MoleculerClientError, MoleculerError } = Errors;

export interface FieldProblem {
	field: string;
	message: string;
}

/** 422 with the offending fields, the same shape as the validator's own errors. */
export class InvalidInputError extends Errors.ValidationError {
	constructor(message: string, problems: FieldProblem[]) {
		super(message, "VALIDATION_ERROR", problems);
		this.name = "ValidationError";
	}
}

export function invalidField(field: string, message: string): InvalidInputError {
	return new InvalidInputError(message, [{ field, message }]);
}

export class NotFoundError extends MoleculerClientError {
	constructor(what: string, data?: unknown) {
		super(`${what} not found`, 404, "NOT_FOUND", data);
		this.name = "NotFoundError";
	}
}

export class UnauthorizedError extends MoleculerClientError {
	constructor(message = "Sign in first", type = "UNAUTHORIZED") {
		super(message, 401, type);
		this.name = "UnauthorizedError";
	}
}

export class ForbiddenError extends MoleculerClientError {
	constructor(message = "Not allowed") {
		super(message, 403, "FORBIDDEN");
		this.name = "ForbiddenError";
	}
}

export class ConflictError extends MoleculerClientError {
	constructor(message: string, type = "CONFLICT", data?: unknown) {
		super(message, 409, type, data);
		this.name = "ConflictError";
	}
}

export interface ShortLine {
	productId: string;
	requested: number;
	available: number;
}

/** 409: some lines cannot be had in the quantity asked for. */
export class OutOfStockError extends ConflictError {
	constructor(lines: ShortLine[]) {
		super("Not enough stock", "OUT_OF_STOCK", { lines });
		this.name = "OutOfStockError";
	}
}

export class PaymentDeclinedError extends MoleculerClientError {
	constructor(reason: string) {
		super(`Card declined: ${reason}`, 402, "PAYMENT_DECLINED", { reason });
		this.name = "PaymentDeclinedError";
	}
}

/** 429, with the seconds to wait, which the gateway sends as Retry-After. */
export class TooManyRequestsError extends MoleculerClientError {
	constructor(retryAfterSeconds: number, message = "Too many requests") {
		super(message, 429, "TOO_MANY_REQUESTS", { retryAfter: retryAfterSeconds });
		this.name = "TooManyRequestsError";
	}
}

/** 503: a service this request needs is down. The gateway adds Retry-After. */
export class ServiceDownError extends MoleculerError {
	constructor(service: string, message = `The ${service} service is not available right now`) {
		super(message, 503, "SERVICE_UNAVAILABLE", { service });
		this.name = "ServiceUnavailableError";
	}
}

/**
 * 503 from a service that is up but has no room for this work now (a bounded queue is full, or
 * the request waited past its deadline). The type keeps circuit breakers shut (the service is
 * healthy); the gateway sends `retryAfter` as Retry-After.
 */
export class BusyError extends MoleculerError {
	constructor(service: string, retryAfterSeconds: number, message = `The ${service} service is busy; try again shortly`) {
		super(message, 503, "SERVICE_UNAVAILABLE", { service, retryAfter: retryAfterSeconds });
		this.name = "ServiceUnavailableError";
	}
}

/** True for errors that mean "the service could not be reached", as opposed to an answer from it. */
export function isUnreachable(err: unknown): boolean {
	if (!(err instanceof Error)) return false;
	const e = err as Errors.MoleculerError;
	return (
		e instanceof Errors.ServiceNotFoundError ||
		e instanceof Errors.ServiceNotAvailableError ||
		e instanceof Errors.RequestTimeoutError ||
		e instanceof Errors.RequestSkippedError ||
		e instanceof Errors.QueueIsFullError ||
		e.type === "SERVICE_NOT_FOUND" ||
		e.type === "SERVICE_NOT_AVAILABLE" ||
		e.type === "REQUEST_TIMEOUT" ||
		e.type === "REQUEST_SKIPPED" ||
		e.type === "QUEUE_FULL" ||
		e.type === "SERVICE_UNAVAILABLE" ||
		e.code === 503
	);
}
