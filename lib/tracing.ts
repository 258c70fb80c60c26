// Tracing: one trace per request across every service it reaches, exported where TRACING_EXPORTER
// says. Spans never carry secrets: Moleculer would tag every action's params and meta by default
// (passwords, card numbers, cvc, tokens would reach the collector), so only fields named in SAFE,
// holding short plain values, become tags — ids, counts, statuses — and errors keep no `data`
// (a validator's error data holds the refused value, a card number perhaps).
import type { BrokerOptions, Context } from "moleculer";
import { config as shopConfig, type ShopConfig } from "./config";

/** Param and result fields that may be tags. Nothing that identifies a card, a password or a session. */
const SAFE = new Set(["id", "orderId", "productId", "userId", "productIds", "ids", "status", "quantity", "currency", "country", "page", "pageSize", "category", "sort", "count", "total", "itemCount", "subtotal", "reason", "carrier", "type", "key"]);

function pickSafe(source: unknown): Record<string, unknown> | undefined {
	if (source === null || typeof source !== "object" || Array.isArray(source)) return undefined;
	const picked: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(source)) {
		if (!SAFE.has(key)) continue;
		if ((typeof value === "string" && value.length <= 100) || typeof value === "number" || typeof value === "boolean") picked[key] = value;
		else if (Array.isArray(value) && value.length <= 50 && value.every(v => typeof v === "string" && v.length <= 100)) picked[key] = value.join(",");
	}
	return Object.keys(picked).length > 0 ? picked : undefined;
}

/** Tags of an action's span: safe params at the start, the safe fields of its result (the order id of a checkout) at the end. */
export function safeTags(ctx: Context, response?: unknown): Record<string, unknown> {
	const tags: Record<string, unknown> = {};
	const params = pickSafe(ctx.params);
	if (params) tags.params = params;
	const result = pickSafe(response);
	if (result) tags.result = result;
	return tags;
}

function exporters(config: ShopConfig): { type: string; options: Record<string, unknown> }[] {
	switch (config.tracingExporter) {
		case "console":
			return [{ type: "Console", options: { logger: console.info, colors: !config.production } }];
		case "zipkin":
			return [{ type: "Zipkin", options: { baseURL: config.zipkinUrl, interval: 1 } }];
		case "none":
			return [];
	}
}

export function tracingOptions(config: ShopConfig = shopConfig): BrokerOptions["tracing"] {
	return {
		enabled: config.tracingExporter !== "none",
		exporter: exporters(config),
		// Every span; sampling is the collector's business at this shop's size.
		sampling: { rate: 1 },
		errorFields: ["name", "message", "code", "type"],
		tags: { action: safeTags, event: safeTags },
	} as BrokerOptions["tracing"];
}
