// Typed events: the event name decides the payload (lib/events.ts, from the services' contracts),
// so an announcement that does not fit what its listeners expect fails to compile.
// emit: one instance of each listening service hears it (balanced); broadcast: every instance
// (for per-node state such as caches).
import type { Context, ServiceBroker } from "moleculer";
import type { Events } from "./events";

export type EventName = keyof Events;
// A context's emit keeps the request's trace; both take (name, payload).
type Emitter = Context | ServiceBroker;

export function emit<E extends EventName>(from: Emitter, event: E, payload: Events[E]): Promise<void> {
	return Promise.resolve((from as ServiceBroker).emit(event, payload)).then(() => undefined);
}

export function broadcast<E extends EventName>(from: Emitter, event: E, payload: Events[E]): Promise<void> {
	return Promise.resolve((from as ServiceBroker).broadcast(event, payload)).then(() => undefined);
}
