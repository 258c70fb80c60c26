// The TypeScript type of a fastest-validator params schema, for the rules this shop uses:
// shorthand strings ("string|min:1|max:64", "number|optional") and rule objects
// ({ type: "enum", values: [...] }, { type: "array", items }, { type: "object", props }).
// `$$`-keys (like $$strict) are options, not fields. A rule with `optional: true` or a `default`
// is optional for the caller. A rule this file does not know is `unknown`, never `any`.

export type Rule = string | { type: string; optional?: boolean; [option: string]: unknown } | readonly Rule[];
export type ParamSchema = { readonly [field: string]: Rule | boolean };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ShortBase<S extends string> = S extends `${infer B}|${string}` ? B : S;
type ShortOptional<S extends string> = S extends `${string}|optional${infer Rest}` ? (Rest extends `:false${string}` ? false : true) : false;

type Named<N, R> = N extends "string" | "email" | "uuid" | "url" | "objectID"
	? string
	: N extends "number"
		? number
		: N extends "boolean"
			? boolean
			: N extends "date"
				? Date
				: N extends "enum"
					? R extends { values: readonly (infer V)[] }
						? V
						: string
					: N extends "equal"
						? R extends { value: infer V }
							? V
							: unknown
						: N extends "array"
							? R extends { items: infer I }
								? InferRule<I>[]
								: unknown[]
							: N extends "object"
								? R extends { props: infer P }
									? Infer<P>
									: Record<string, unknown>
								: N extends "multi"
									? R extends { rules: readonly (infer M)[] }
										? InferRule<M>
										: unknown
									: N extends "forbidden"
										? undefined
										: unknown;

export type InferRule<R> = R extends string
	? Named<ShortBase<R>, R>
	: R extends readonly (infer M)[]
		? InferRule<M>
		: R extends { type: infer N }
			? Named<N, R>
			: unknown;

type IsOptional<R> = R extends string
	? ShortOptional<R>
	: R extends { optional: true }
		? true
		: R extends { default: unknown }
			? true
			: false;

type Fields<S> = { [K in keyof S]: K extends `$$${string}` ? never : K }[keyof S];
type OptionalFields<S> = { [K in Fields<S>]: IsOptional<S[K]> extends true ? K : never }[Fields<S>];
type RequiredFields<S> = Exclude<Fields<S>, OptionalFields<S>>;

/** The params a schema accepts. */
export type Infer<S> = Simplify<
	{ -readonly [K in RequiredFields<S>]: InferRule<S[K]> } & { -readonly [K in OptionalFields<S>]?: InferRule<S[K]> }
>;
