// Do the books balance? Compares the stock records with the reservation records, once no call is
// under way. Tests run it after every scenario; an operator can run it against a live store.
import { RESTING_STATES, type ReservationDoc, type StockDoc } from "../../services/inventory/records";

/** Every disagreement between stock and reservations, in words; empty when the books balance. */
export function unbalanced(stock: StockDoc[], reservations: ReservationDoc[]): string[] {
	const problems: string[] = [];
	const heldBy = new Map<string, Map<string, number>>();
	const soldOf = new Map<string, number>();
	for (const r of reservations) {
		if (!RESTING_STATES.has(r.state)) problems.push(`order ${r._id} is still ${r.state}`);
		for (const { productId, quantity } of r.lines) {
			if (r.state === "held") {
				const holds = heldBy.get(productId) ?? new Map<string, number>();
				heldBy.set(productId, holds.set(r._id, quantity));
			}
			if (r.state === "committed") soldOf.set(productId, (soldOf.get(productId) ?? 0) + quantity);
		}
	}

	for (const doc of stock) {
		const p = doc._id;
		if (doc.available < 0 || doc.reserved < 0 || doc.sold < 0) problems.push(`${p}: a negative count (${JSON.stringify(doc)})`);
		const marks = Object.entries(doc.holds ?? {});
		const marked = marks.reduce((sum, [, quantity]) => sum + quantity, 0);
		if (marked !== doc.reserved) problems.push(`${p}: reserved ${doc.reserved} but the holds add up to ${marked}`);
		const expected = heldBy.get(p) ?? new Map<string, number>();
		for (const [orderId, quantity] of marks) {
			if (expected.get(orderId) !== quantity) problems.push(`${p}: holds ${quantity} for order ${orderId}, which holds ${expected.get(orderId) ?? "nothing"}`);
		}
		for (const [orderId, quantity] of expected) {
			if (doc.holds?.[orderId] === undefined) problems.push(`${p}: order ${orderId} is held (${quantity}) but the stock has no hold for it`);
		}
		if (doc.sold !== (soldOf.get(p) ?? 0)) problems.push(`${p}: sold ${doc.sold} but committed orders add up to ${soldOf.get(p) ?? 0}`);
		if (Object.keys(doc.returns ?? {}).length) problems.push(`${p}: returns left marked (${Object.keys(doc.returns).join(", ")})`);
	}
	return problems;
}
