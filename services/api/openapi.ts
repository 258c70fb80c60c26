// The OpenAPI document of the shop, built from what is running: the gateway's routes and each
// routed action's own `params` schema and `auth`, so it cannot drift from the code.
import Validator from "fastest-validator";
import type { Aliases } from "./routes";

type FvRule = Record<string, unknown> & { type?: string };
type JsonSchema = Record<string, unknown>;

export interface RoutedAction {
	params?: Record<string, unknown>;
	auth?: string;
	description?: string;
}

// parseShortHand is public in fastest-validator, missing from its typings.
const validator = new Validator() as unknown as { parseShortHand(rule: string): FvRule };

function rule(schema: unknown): FvRule {
	if (typeof schema === "string") return validator.parseShortHand(schema);
	if (Array.isArray(schema)) return { type: "multi", rules: schema };
	return (schema ?? { type: "any" }) as FvRule;
}

/** fastest-validator rule → JSON Schema, for the rule types the shop uses. */
export function toJsonSchema(schema: unknown): JsonSchema {
	const r = rule(schema);
	const out: JsonSchema = {};
	switch (r.type) {
		case "string":
			out.type = "string";
			if (r.length !== undefined) out.minLength = out.maxLength = r.length;
			if (r.min !== undefined) out.minLength = r.min;
			if (r.max !== undefined) out.maxLength = r.max;
			if (r.pattern !== undefined) out.pattern = String(r.pattern instanceof RegExp ? r.pattern.source : r.pattern);
			if (Array.isArray(r.enum)) out.enum = r.enum;
			break;
		case "email":
			Object.assign(out, { type: "string", format: "email" });
			break;
		case "uuid":
			Object.assign(out, { type: "string", format: "uuid" });
			break;
		case "number":
			out.type = r.integer ? "integer" : "number";
			if (r.positive) out.minimum = 1;
			if (r.min !== undefined) out.minimum = r.min;
			if (r.max !== undefined) out.maximum = r.max;
			break;
		case "boolean":
			out.type = "boolean";
			break;
		case "enum":
			out.enum = r.values;
			break;
		case "equal":
			out.const = r.value;
			break;
		case "array":
			out.type = "array";
			if (r.items) out.items = toJsonSchema(r.items);
			if (r.min !== undefined) out.minItems = r.min;
			if (r.max !== undefined) out.maxItems = r.max;
			break;
		case "object":
			Object.assign(out, objectSchema((r.props ?? r.properties ?? {}) as Record<string, unknown>, r.strict === true || r.strict === "remove"));
			break;
		case "multi":
			out.oneOf = (r.rules as unknown[]).map(toJsonSchema);
			break;
		default:
			break;
	}
	if (r.default !== undefined) out.default = r.default;
	return out;
}

function isOptional(schema: unknown): boolean {
	const r = rule(schema);
	return r.optional === true || r.default !== undefined;
}

function objectSchema(props: Record<string, unknown>, strict: boolean): JsonSchema {
	const entries = Object.entries(props).filter(([name]) => !name.startsWith("$$"));
	const required = entries.filter(([, s]) => !isOptional(s)).map(([name]) => name);
	return {
		type: "object",
		properties: Object.fromEntries(entries.map(([name, s]) => [name, toJsonSchema(s)])),
		...(required.length ? { required } : {}),
		...(strict ? { additionalProperties: false } : {}),
	};
}

const errorRef = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: errorRef } } });

export function buildOpenApi(aliases: Aliases, actions: Map<string, RoutedAction>, version: string): JsonSchema {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const [route, actionName] of Object.entries(aliases)) {
		const [method, path] = route.split(" ");
		const action = actions.get(actionName);
		const pathParams = [...path.matchAll(/:(\w+)/g)].map(m => m[1]);
		const props = Object.fromEntries(Object.entries(action?.params ?? {}).filter(([name]) => !name.startsWith("$$")));
		const strict = action?.params?.$$strict === true;
		const inBody = method === "POST" || method === "PUT" || method === "PATCH";
		const other = Object.fromEntries(Object.entries(props).filter(([name]) => !pathParams.includes(name)));

		const parameters = [
			...pathParams.map(name => ({ name, in: "path", required: true, schema: props[name] ? toJsonSchema(props[name]) : { type: "string" } })),
			...(inBody ? [] : Object.entries(other).map(([name, s]) => ({ name, in: "query", required: !isOptional(s), schema: toJsonSchema(s) }))),
		];
		const auth = action?.auth ?? "unknown";
		const operation: Record<string, unknown> = {
			operationId: actionName,
			summary: action ? action.description : "(its service is not running: details unknown)",
			tags: [actionName.split(".")[0]],
			"x-auth": auth,
			...(auth === "user" || auth === "admin" ? { security: [{ bearer: [] }] } : {}),
			...(parameters.length ? { parameters } : {}),
			...(inBody && Object.keys(other).length ? { requestBody: { required: true, content: { "application/json": { schema: objectSchema(other, strict) } } } } : {}),
			responses: {
				[method === "POST" && /register|products$|checkout/.test(path) ? "201" : "200"]: { description: "Success" },
				"4XX": errorResponse("A request the shop cannot serve: the contract's error shape, status in `code`"),
				"503": errorResponse("A service this request needs is down (with Retry-After)"),
			},
		};
		const openApiPath = `/api/${path}`.replace(/:(\w+)/g, "{$1}");
		paths[openApiPath] = { ...paths[openApiPath], [method.toLowerCase()]: operation };
	}
	return {
		openapi: "3.1.0",
		info: { title: "Moleculer Shop API", version, description: "Generated from the gateway's routes and the actions' own parameter schemas." },
		servers: [{ url: "/" }],
		components: {
			securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
			schemas: {
				Error: {
					type: "object",
					required: ["name", "message", "code", "type", "data"],
					properties: { name: { type: "string" }, message: { type: "string" }, code: { type: "integer" }, type: { type: "string" }, data: {} },
				},
			},
		},
		paths,
	};
}
