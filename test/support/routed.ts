// Every routed action of a running shop, with what it takes: read from the gateway's alias table
// and the running actions' own params schemas, so a route added later is covered without a word here.
import type { ServiceBroker } from "moleculer";
import { routes } from "../../services/api/routes";

/** One field a client can send: where it goes and what kind of value the schema asks for. */
export interface Field {
	/** Dotted, with `[0]` for the first element of an array: `shippingAddress.city`, `items[0].productId`. */
	path: string;
	kind: "string" | "number" | "boolean" | "array" | "object" | "other";
	/** Where the gateway takes it from. */
	in: "path" | "query" | "body";
}

export interface RoutedAction {
	method: string;
	/** Below /api, with `:params`. */
	path: string;
	action: string;
	auth: string;
	fields: Field[];
}

type Rule = string | { type?: string; props?: Record<string, Rule>; items?: Rule; rules?: Rule[] } | Rule[];

export function routedActions(broker: ServiceBroker): RoutedAction[] {
	const list = broker.registry.getActionList({ skipInternal: true, withEndpoints: false }) as unknown as {
		name: string;
		action?: { params?: Record<string, Rule>; auth?: string };
	}[];
	const byName = new Map(list.map(a => [a.name, a.action ?? {}]));
	return Object.entries(routes).map(([alias, action]) => {
		const [method, path] = alias.split(" ");
		const def = byName.get(action) ?? {};
		const pathParams = new Set((path.match(/:(\w+)/g) ?? []).map(p => p.slice(1)));
		const where = (name: string): Field["in"] => (pathParams.has(name) ? "path" : method === "GET" || method === "DELETE" ? "query" : "body");
		const fields: Field[] = [];
		for (const [name, rule] of Object.entries(def.params ?? {})) {
			if (name.startsWith("$$")) continue;
			walk(name, rule, where(name), fields);
		}
		return { method, path, action, auth: def.auth ?? "unknown", fields };
	});
}

function walk(path: string, rule: Rule, at: Field["in"], out: Field[]): void {
	if (Array.isArray(rule)) return walk(path, rule[0], at, out);
	const type = typeof rule === "string" ? rule.split("|")[0] : (rule.type ?? "any");
	out.push({ path, kind: kindOf(type), in: at });
	if (typeof rule === "string" || at !== "body") return;
	if (type === "object" && rule.props) for (const [name, sub] of Object.entries(rule.props)) walk(`${path}.${name}`, sub, at, out);
	if (type === "array" && rule.items) walk(`${path}[0]`, rule.items, at, out);
}

function kindOf(type: string): Field["kind"] {
	if (["string", "email", "url", "uuid", "custom", "enum"].includes(type)) return "string";
	if (type === "number") return "number";
	if (type === "boolean") return "boolean";
	if (type === "array") return "array";
	if (type === "object") return "object";
	return "other";
}

/** `{ a: { b: [ { c } ] } }` from `a.b[0].c` and a value. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
	const keys = path.split(/\.|(?=\[0\])/).map(k => (k === "[0]" ? 0 : k));
	let node: Record<string | number, unknown> = target;
	keys.forEach((key, i) => {
		if (i === keys.length - 1) node[key] = value;
		else node = (node[key] ??= keys[i + 1] === 0 ? [] : {}) as Record<string | number, unknown>;
	});
	return target;
}

/** The URL below /api for a route, path params filled in (URL-encoded) from `values`, the rest `x`. */
export function fillPath(path: string, values: Record<string, string> = {}): string {
	return path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? "x"));
}
