// Inventory's second collection, the reservations, beside the mixin's "stock". A mixin of its own
// so that its store opens before the periodic sweep starts and closes after the sweep stopped
// (Moleculer starts a service's mixins last-first and stops them in the opposite order).
// mixins/db.mixin.ts may take this over once it gives a service several collections.
import type { Service, ServiceSchema } from "moleculer";
import { createAdapter, ensureIndex, scheduleCompaction, type Store } from "../../mixins/db.mixin";
import type { ReservationDoc } from "./records";

/** The lifecycle of an adapter that the db mixin does not manage for us. */
interface OwnAdapter {
	init(broker: unknown, service: unknown): void;
	connect(): Promise<void>;
	disconnect(): Promise<void>;
}

export type ReservationsStore = Store<ReservationDoc> & OwnAdapter;

type WithReservations = Service & { reservations: ReservationsStore };

export const ReservationsStoreMixin = {
	created(this: WithReservations) {
		this.reservations = createAdapter(this.name, "reservations") as unknown as ReservationsStore;
		this.reservations.init(this.broker, this);
	},
	async started(this: WithReservations) {
		await this.reservations.connect();
		// The sweep's index: only reservations that may need settling carry `sweepAt`.
		await ensureIndex(this.reservations, { fields: ["sweepAt"], sparse: true });
		// Finds, once at start, the reservations stored before `sweepAt` existed.
		await ensureIndex(this.reservations, { fields: ["state"] });
		scheduleCompaction(this.reservations);
	},
	async stopped(this: WithReservations) {
		await this.reservations.disconnect();
	},
} as Partial<ServiceSchema>;
