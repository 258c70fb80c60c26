// The inventory's pure parts: how an order's lines are compared, what callers see of a
// reservation, and the balance check that every other inventory test relies on.
import { unbalanced } from "../support/inventory-books";
import { mergeLines, sameLines } from "../../services/inventory/lines";
import { take } from "../../services/inventory/moves";
import { toReservation, type ReservationDoc, type StockDoc } from "../../services/inventory/records";
import { sweepIntervalFor } from "../../services/inventory/settings";

function stock(id: string, fields: Partial<StockDoc> = {}): StockDoc {
	return { _id: id, available: 0, reserved: 0, sold: 0, holds: {}, returns: {}, updatedAt: 0, ...fields };
}

function reservation(id: string, state: ReservationDoc["state"], lines: ReservationDoc["lines"]): ReservationDoc {
	return { _id: id, state, lines, releaseTo: null, short: null, expiresAt: 0, lock: null, lockedUntil: 0, rev: 0, createdAt: 0, updatedAt: 0 };
}

describe("order lines", () => {
	it("treats a product listed twice as one line with the summed quantity, in product order", () => {
		expect(
			mergeLines([
				{ productId: "b", quantity: 1 },
				{ productId: "a", quantity: 2 },
				{ productId: "b", quantity: 3 },
			]),
		).toEqual([
			{ productId: "a", quantity: 2 },
			{ productId: "b", quantity: 4 },
		]);
	});

	it("recognises a retried order whatever the order of its lines, and tells a changed one apart", () => {
		const lines = [
			{ productId: "a", quantity: 1 },
			{ productId: "b", quantity: 2 },
		];
		expect(sameLines(lines, [...lines].reverse())).toBe(true);
		expect(sameLines(lines, [{ productId: "a", quantity: 1 }])).toBe(false);
		expect(sameLines(lines, [lines[0], { productId: "b", quantity: 3 }])).toBe(false);
	});
});

describe("what callers see of a reservation", () => {
	it("shows every state that gave stock back as released, except an expiry", () => {
		const lines = [{ productId: "a", quantity: 1 }];
		expect(toReservation(reservation("o", "held", lines)).status).toBe("held");
		expect(toReservation(reservation("o", "committed", lines)).status).toBe("committed");
		expect(toReservation(reservation("o", "expired", lines)).status).toBe("expired");
		expect(toReservation(reservation("o", "released", lines)).status).toBe("released");
		expect(toReservation(reservation("o", "rejected", lines)).status).toBe("released");
		expect(toReservation({ ...reservation("o", "held", lines), expiresAt: Date.parse("2030-01-01T00:00:00Z") }).expiresAt).toBe("2030-01-01T00:00:00.000Z");
	});
});

describe("a reservation's hold on a product", () => {
	it("is taken only when enough is available and only once per order", () => {
		const { filter, update } = take("order-1", { productId: "p", quantity: 2 }, 0);
		expect(filter).toEqual({ _id: "p", available: { $gte: 2 }, "holds.order-1": { $exists: false } });
		expect(update).toMatchObject({ $inc: { available: -2, reserved: 2 }, $set: { "holds.order-1": 2 } });
	});
});

describe("the books", () => {
	it("balance when holds and sales match the reservations", () => {
		const docs = [stock("p", { available: 3, reserved: 2, sold: 1, holds: { o1: 2 } }), stock("q", { available: 5 })];
		const records = [reservation("o1", "held", [{ productId: "p", quantity: 2 }]), reservation("o2", "committed", [{ productId: "p", quantity: 1 }])];
		expect(unbalanced(docs, records)).toEqual([]);
	});

	it("catch reserved units no order holds, a hold without its mark, a sale without an order and a half-done call", () => {
		const problems = unbalanced(
			[stock("p", { available: 3, reserved: 2, holds: {} }), stock("q", { sold: 1, returns: { o3: 1 } })],
			[reservation("o1", "held", [{ productId: "p", quantity: 2 }]), reservation("o4", "committing", [])],
		);
		expect(problems).toEqual(
			expect.arrayContaining([
				expect.stringContaining("reserved 2 but the holds add up to 0"),
				expect.stringContaining("order o1 is held (2) but the stock has no hold"),
				expect.stringContaining("q: sold 1 but committed orders add up to 0"),
				expect.stringContaining("returns left marked"),
				expect.stringContaining("order o4 is still committing"),
			]),
		);
	});

	it("catch a negative count", () => {
		expect(unbalanced([stock("p", { available: -1, reserved: 1, holds: { o1: 1 } })], [reservation("o1", "held", [{ productId: "p", quantity: 1 }])])).toEqual([
			expect.stringContaining("negative"),
		]);
	});
});

describe("the sweeper's pace", () => {
	it("looks for expired reservations several times per TTL, at most every 5 s", () => {
		expect(sweepIntervalFor(15 * 60_000)).toBe(5_000);
		expect(sweepIntervalFor(2_000)).toBe(500);
		expect(sweepIntervalFor(10)).toBe(50);
	});
});
