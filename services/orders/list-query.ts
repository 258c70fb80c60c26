// Which orders a list asks for: the caller's own or everyone's, narrowed by status, id and the
// buyer's e-mail. Built from validated params only (see OrdersContract.list), never from raw input.
import type { Filter } from "../../mixins/db.mixin";
import type { OrderStatus } from "./orders.contract";

export interface ListNarrowing {
	status?: OrderStatus;
	/** The whole id or its start, any case (validated: letters, digits, '-' and '_' only). */
	orderId?: string;
	/** Trimmed and lower-cased by the validator, as the shop stores addresses. */
	email?: string;
}

/** `owner` is the caller's id for their own list, undefined for an admin's list of everyone's. */
export function listFilter(owner: string | undefined, narrowing: ListNarrowing): Filter {
	const query: Filter = {};
	if (owner !== undefined) query.userId = owner;
	if (narrowing.status) query.status = narrowing.status;
	// The e-mail the order was placed with (kept on it for its messages): the buyer as they were
	// then, and no call to users, so an unknown address is simply an empty page.
	if (narrowing.email) query.email = narrowing.email;
	// Safe in a pattern: the validator lets through nothing a regular expression would read as syntax.
	if (narrowing.orderId) query._id = { $regex: new RegExp(`^${narrowing.orderId}`, "i") };
	return query;
}
