import { Errors } from "moleculer";
import { NotFoundError, OutOfStockError, ServiceDownError } from "../../lib/errors";
import { toPublicError } from "../../services/api/errors";

describe("toPublicError: every error in the contract's one shape", () => {
	it("keeps a client error's status, type and data", () => {
		const body = toPublicError(new OutOfStockError([{ productId: "p1", requested: 2, available: 1 }]));
		expect(body).toEqual({
			name: "OutOfStockError",
			message: "Not enough stock",
			code: 409,
			type: "OUT_OF_STOCK",
			data: { lines: [{ productId: "p1", requested: 2, available: 1 }] },
		});
		expect(toPublicError(new NotFoundError("Product")).code).toBe(404);
	});

	it("turns a service that cannot be reached into a 503", () => {
		for (const err of [
			new Errors.ServiceNotFoundError({ action: "payments.charge" }),
			new Errors.ServiceNotAvailableError({ action: "payments.charge" }),
			new Errors.RequestTimeoutError({ action: "payments.charge", nodeID: "node-7" }),
			new ServiceDownError("payments"),
		]) {
			const body = toPublicError(err);
			expect(body.code).toBe(503);
			expect(body.type).toBe("SERVICE_UNAVAILABLE");
			expect(JSON.stringify(body)).not.toMatch(/node-7/);
		}
	});

	it("hides what a bug says: no message, no stack, no address", () => {
		const err = new Error("connect ECONNREFUSED 10.1.2.3:27017");
		const body = toPublicError(err);
		expect(body).toEqual({ name: "InternalServerError", message: "Something went wrong on our side", code: 500, type: "INTERNAL_ERROR", data: null });
		expect(toPublicError(new Errors.MoleculerServerError("db exploded at 10.1.2.3", 500, "X")).message).not.toMatch(/10\.1/);
	});

	it("maps body-parser failures to 413 and 400", () => {
		expect(toPublicError(Object.assign(new Error("too big"), { type: "entity.too.large", status: 413 })).code).toBe(413);
		expect(toPublicError(Object.assign(new Error("Unexpected token"), { type: "entity.parse.failed", status: 400 })).code).toBe(400);
	});
});

describe("validation errors", () => {
	it("list each offending field with its message, and nothing about the cluster", () => {
		const err = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
			{ type: "number", field: "quantity", message: "The 'quantity' field must be a number.", actual: "x", nodeID: "node-7", action: "cart.addItem" },
		] as any);
		const body = toPublicError(err);
		expect(body.code).toBe(422);
		expect(body.data).toEqual([{ field: "quantity", message: "The 'quantity' field must be a number.", type: "number" }]);
	});

	it("names the unknown fields that a strict schema refused", () => {
		const err = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
			{ type: "objectStrict", message: "The object '' contains forbidden keys: 'price, total'.", actual: "price, total", expected: "quantity" },
		] as any);
		expect(toPublicError(err).data).toEqual([
			{ field: "price", message: "Unknown field 'price'", type: "objectStrict" },
			{ field: "total", message: "Unknown field 'total'", type: "objectStrict" },
		]);
	});
});
