// Assertions on the REST contract's one error shape, shared by the contract tests.
import type { JsonResponse } from "./http";

/** `status` with `{ name, message, code, type, … }` as JSON, `code` mirroring it, never a stack. */
export function expectError(res: JsonResponse, status: number): void {
	expect({ status: res.status, body: res.body }).toEqual({
		status,
		body: expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, type: expect.any(String) }),
	});
	expect(res.headers.get("content-type")).toMatch(/application\/json/);
	expect(res.body).not.toHaveProperty("stack");
}

/** A 422 whose data names `field` with a message. */
export function expectInvalid(res: JsonResponse, field: string): void {
	expectError(res, 422);
	expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
}
