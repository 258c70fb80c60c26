// Contracts: one declaration per action gives the validator its params schema, the handler its
// `ctx.params` type and its result type, and callers (lib/call.ts) the same two types. A handler
// whose params or result drift from its contract, or a call that does not fit it, fails to compile.
//
//   // services/cart/cart.contract.ts
//   export const CartContract = contract("cart", {
//     get: action({ params: { $$strict: true, currency: CURRENCY }, result: as<Cart>() }),
//   }, { "cart.changed": event({ userId: "string" }) });
//
//   // services/cart/cart.service.ts
//   actions: implement<CartThis>()(CartContract, { get: { auth: "public", async handler(ctx) { … } } })
import type { ActionSchema, Context } from "moleculer";
import type { ShopMeta } from "./meta";
import type { Infer, ParamSchema } from "./params";

export type { Infer } from "./params";

/** A phantom value that only carries a type: `result: as<Cart>()`. */
export function as<T>(): T {
	return undefined as T;
}

export interface ActionContract<P extends ParamSchema = ParamSchema, R = unknown> {
	params: P;
	result: R;
}

export interface EventContract<P extends ParamSchema = ParamSchema> {
	params: P;
}

/** An action: its params schema (fastest-validator) and, as a type, its result. */
export function action<const P extends ParamSchema, R>(def: { params: P; result: R }): ActionContract<P, R> {
	return { params: def.params, result: undefined as R };
}

/** An event: its payload schema; handlers get it as their params, emitters must fit it. */
export function event<const P extends ParamSchema>(params: P): EventContract<P> {
	return { params };
}

export interface ServiceContract<
	N extends string = string,
	A extends Record<string, ActionContract> = Record<string, ActionContract>,
	E extends Record<string, EventContract> = Record<string, EventContract>,
> {
	name: N;
	actions: A;
	events: E;
}

export function contract<
	const N extends string,
	A extends Record<string, ActionContract>,
	E extends Record<string, EventContract> = Record<never, EventContract>,
>(name: N, actions: A, events?: E): ServiceContract<N, A, E> {
	return { name, actions, events: (events ?? {}) as E };
}

export type ParamsOf<A> = A extends ActionContract<infer P, unknown> ? Infer<P> : never;
export type ResultOf<A> = A extends ActionContract<ParamSchema, infer R> ? R : never;

/** Every action of a contract by its full name: `{ "cart.get": { params, result } }`. */
export type ActionsOf<C> =
	C extends ServiceContract<infer N, infer A, Record<string, EventContract>>
		? { [K in keyof A & string as `${N}.${K}`]: { params: ParamsOf<A[K]>; result: ResultOf<A[K]> } }
		: never;

/** Every event of a contract by name: `{ "inventory.changed": { productIds: string[] } }`. */
export type EventsOf<C> =
	C extends ServiceContract<string, Record<string, ActionContract>, infer E>
		? { [K in keyof E & string]: E[K] extends EventContract<infer P> ? Infer<P> : never }
		: never;

/** What a service writes for one action: everything Moleculer takes except the params, which come from the contract. */
export type ActionImpl<A, TThis> = Omit<ActionSchema<TThis>, "params" | "handler"> & {
	// A function-typed property, not a method, so that a handler annotated with other params is
	// refused (methods would be checked bivariantly).
	handler: (this: TThis, ctx: Context<ParamsOf<A>, ShopMeta>) => Promise<ResultOf<A>> | ResultOf<A>;
};

export type ActionsImpl<C extends ServiceContract, TThis> = { [K in keyof C["actions"]]: ActionImpl<C["actions"][K], TThis> };

/**
 * A service's actions bound to its contract: every action of the contract implemented, no other,
 * each handler typed from it, and each action's `params` taken from it at run time.
 * Curried so that `this` (the service with its methods and vars) can be named once:
 * `implement<CartThis>()(CartContract, { … })`.
 */
export function implement<TThis>() {
	// The result is typed loosely on purpose: the binding was checked above, and the schema's own
	// `this` type (Service & Vars & Methods, in Moleculer's order) need not be spelt the same way.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	return <C extends ServiceContract>(c: C, impl: ActionsImpl<C, TThis>): Record<string, ActionSchema<any>> => {
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		const out: Record<string, ActionSchema<any>> = {};
		for (const [name, def] of Object.entries(impl as Record<string, object>)) {
			out[name] = { ...def, params: c.actions[name].params };
		}
		return out;
	};
}

export type EventImpl<P extends ParamSchema, TThis> = {
	handler: (this: TThis, ctx: Context<Infer<P>, ShopMeta>) => Promise<void> | void;
	group?: string;
};

/** An event handler bound to the event's contract: its params schema (validated) and its payload type. */
export function onEvent<TThis>() {
	return <P extends ParamSchema>(e: EventContract<P>, impl: EventImpl<P, TThis>) => ({ ...impl, params: e.params });
}
