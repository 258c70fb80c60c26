// Moleculer's NATS transporter, with what a node publishes written to the socket once per turn of
// the event loop instead of once per microtask checkpoint.
//
// nats.js buffers what is published and writes the buffer out in a microtask. A node under load
// reads many packets at once (replies, requests, events) and each resumes its own chain of awaits,
// which publish at different microtask checkpoints of the same turn: one socket write each. On
// this machine a loopback write that wakes the process at the other end costs tens of µs, and
// writes were 20-31 % of a cluster node's busy time in the checkout benchmark. Written once per
// turn (setImmediate: after the packets read in this turn are handled, before the loop waits
// again), the same checkouts cost 15-24 % less CPU on the shop's nodes and their p99 fell
// (bench/checkout-cluster, side by side; README "Benchmarks").
//
// A message waits at most for the end of the turn it was published in (one published by a
// setImmediate callback, for the next turn's); a buffer past nats.js's own limit is still written
// at once. Shutting down is unchanged: Moleculer flushes (a PING behind the data) before it closes.
// Registered under Moleculer's own name ("NATS") before any broker is made, so the configuration,
// the REPL and `nats://` URLs all get it.
import { Transporters } from "moleculer";

/** The parts of nats.js's protocol handler (nats 2.x, `connection.protocol`) this relies on. */
interface NatsProtocol {
	flushPending(): void;
	outbound: { size(): number };
	pendingLimit: number;
}

const batched = new WeakSet<object>();

function protocolOf(connection: unknown): NatsProtocol | null {
	const protocol = (connection as { protocol?: Partial<NatsProtocol> } | null)?.protocol;
	const fits = protocol && typeof protocol.flushPending === "function" && typeof protocol.outbound?.size === "function" && typeof protocol.pendingLimit === "number";
	return fits ? (protocol as NatsProtocol) : null;
}

/**
 * Makes a nats.js connection write what is published once per turn of the event loop. False when
 * the connection is not shaped as nats 2.x's (it then writes as before: slower, never wrong).
 */
export function writeOncePerTurn(connection: unknown): boolean {
	const protocol = protocolOf(connection);
	if (!protocol) return false;
	if (batched.has(protocol)) return true;
	batched.add(protocol);
	// The same handler lives through reconnects (each dials a new socket for it), so this holds for them too.
	const flushNow = protocol.flushPending.bind(protocol);
	let scheduled = false;
	protocol.flushPending = () => {
		if (protocol.outbound.size() >= protocol.pendingLimit) return flushNow();
		if (scheduled) return;
		scheduled = true;
		setImmediate(() => {
			scheduled = false;
			flushNow();
		});
	};
	return true;
}

class NatsTransporterWritingOncePerTurn extends Transporters.NATS {
	override onConnected(wasReconnect?: boolean): Promise<unknown> {
		if (!writeOncePerTurn(this.client)) this.logger.warn("nats.js is not shaped as expected: its writes are not batched per turn");
		return super.onConnected(wasReconnect);
	}
}

/** Registers the transporter under Moleculer's "NATS"; call before any broker is made. */
export function useBatchedNatsWrites(): void {
	// (Moleculer's typings ask for an instance here; it takes the class, as for its own.)
	if (Transporters.NATS !== NatsTransporterWritingOncePerTurn) Transporters.register("NATS", NatsTransporterWritingOncePerTurn as unknown as InstanceType<typeof Transporters.Base>);
}
