// Orders follow their shipments: from shipping's events as they happen, and from shipping's
// records after a restart (events sent while orders was down are gone).
import type { Logger } from "moleculer";
import type { NotificationType } from "../notifications/notifications.contract";
import type { OrderStatus } from "./orders.contract";
import type { ShipmentStatus } from "../shipping/shipping.contract";
import { notification } from "./messages";
import type { OrderDoc } from "./model";
import type { OrderRepo } from "./repo";
import type { Invoke } from "./saga";
import { canMove } from "./state";

const FOLLOWED: Partial<Record<ShipmentStatus, { status: OrderStatus; message: NotificationType }>> = {
	shipped: { status: "shipped", message: "order.shipped" },
	delivered: { status: "delivered", message: "order.delivered" },
};

/** Statuses an order can still move from because of its shipment. */
export const FOLLOWING: OrderStatus[] = ["confirmed", "shipped"];

export class ShipmentFollower {
	constructor(
		private readonly repo: OrderRepo,
		private readonly logger: Logger,
	) {}

	/** Moves the order on if its shipment did; the order, changed, or null when nothing changed. */
	async follow(orderId: string, shipment: ShipmentStatus): Promise<OrderDoc | null> {
		const next = FOLLOWED[shipment];
		if (!next) return null;
		// Two tries: the order may change between the read and the conditional write.
		for (let attempt = 0; attempt < 2; attempt++) {
			const doc = await this.repo.byId(orderId);
			if (!doc || !canMove(doc.status, next.status)) return null;
			const moved = await this.repo.followShipment(doc, next.status, shipment, notification(doc, next.message));
			if (moved) return moved;
		}
		this.logger.warn(`Order ${orderId}: could not follow its shipment to '${shipment}'`);
		return null;
	}

	/** Asks shipping where every open order's shipment is, in batches, and follows what moved. */
	async reconcile(invoke: Invoke, batch = 100): Promise<OrderDoc[]> {
		const open = await this.repo.following(FOLLOWING);
		const changed: OrderDoc[] = [];
		for (let i = 0; i < open.length; i += batch) {
			const docs = open.slice(i, i + batch);
			const shipments = await invoke("shipping.byOrders", { orderIds: docs.map(d => d._id) });
			const byOrder = new Map(docs.map(d => [d._id, d]));
			for (const s of shipments) {
				const doc = byOrder.get(s.orderId);
				// By the order's status, not the shipment's: the order may have recorded a shipment that had already moved.
				const next = FOLLOWED[s.status];
				if (!doc || !next || !canMove(doc.status, next.status)) continue;
				const moved = await this.follow(s.orderId, s.status);
				if (moved) changed.push(moved);
			}
		}
		return changed;
	}
}
