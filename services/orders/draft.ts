// A new order as checkout first writes it: `pending`, priced, leased to the run that drives it.
import type { AuthUser } from "../../lib/meta";
import type { Address, OrderItem } from "./orders.contract";
import { last4 } from "./card";
import type { Lease, OrderDoc } from "./model";
import type { Totals } from "./pricing";

export interface Draft {
	id: string;
	user: AuthUser;
	items: OrderItem[];
	totals: Totals;
	currency: string;
	shippingAddress: Address;
	cardNumber: string;
	idemKey: string;
	idemHash: string;
	idemExpiresAt: number;
	lease: Lease;
	now: string;
}

export function draftOrder(d: Draft): OrderDoc {
	return {
		_id: d.id,
		userId: d.user.id,
		email: d.user.email,
		status: "pending",
		items: d.items,
		...d.totals,
		currency: d.currency,
		shippingAddress: d.shippingAddress,
		payment: { last4: last4(d.cardNumber), status: "pending" },
		shipment: null,
		createdAt: d.now,
		updatedAt: d.now,
		saga: { phase: "checkout", done: 0, attempted: 0, uncertain: false, failure: null },
		open: true,
		lease: d.lease,
		sweepAt: d.lease.until,
		// Held until the bought lines have left the cart, or the checkout failed (see OrderDoc.cartLock).
		cartLock: d.user.id,
		idemKey: d.idemKey,
		idemHash: d.idemHash,
		idemExpiresAt: d.idemExpiresAt,
		outbox: [],
		outboxSent: [],
		outboxDue: false,
		outboxVersion: 0,
	};
}
