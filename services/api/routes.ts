// Every public route of the shop, and the action that answers it. Nothing else is reachable
// through the gateway: not Moleculer's internal `$node` actions, not actions other services call.
// Who may call each action is declared on the action itself (`auth`), next to its params.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiRouteSchema } from "moleculer-web";
import type { ActionName } from "../../lib/call";

export type Aliases = Record<string, ActionName | `api.${string}`>;

export const routes: Aliases = {
	"GET health": "api.health",
	"GET health/ready": "api.ready",
	"GET ops/cluster": "api.cluster",
	"GET ops/metrics": "ops.metrics",
	"GET ops/faults": "ops.faults",
	"PUT ops/faults": "ops.setFaults",
	"DELETE ops/faults": "ops.clearFaults",
	"GET openapi.json": "api.openapi",

	"POST auth/register": "users.register",
	"POST auth/login": "users.login",
	"GET auth/me": "users.me",
	"POST auth/logout": "users.logout",
	"PUT users/:id/role": "users.setRole",

	"GET products": "products.list",
	"POST products": "products.create",
	// Before products/:id, which would take "suggest" for an id.
	"GET products/suggest": "products.suggest",
	"GET products/:id": "products.get",
	"PATCH products/:id": "products.update",
	"DELETE products/:id": "products.remove",
	"GET products/:id/recommendations": "api.recommendations",
	"GET categories": "products.categories",

	"GET inventory": "inventory.list",
	"GET inventory/:productId": "inventory.get",
	"PUT inventory/:productId": "inventory.set",

	"GET cart": "cart.get",
	"DELETE cart": "cart.clear",
	"POST cart/items": "cart.addItem",
	"PUT cart/items/:productId": "cart.setItem",
	"DELETE cart/items/:productId": "cart.removeItem",

	"POST shipping/quote": "shipping.quote",
	"GET currencies": "currency.list",

	"POST checkout": "orders.checkout",
	"GET orders": "orders.list",
	"GET orders/:id": "orders.get",
	"POST orders/:id/cancel": "orders.cancel",

	"GET payments": "payments.list",
	"GET notifications": "notifications.list",
	"GET notifications/unread": "notifications.unread",
	"POST notifications/read": "notifications.markRead",
};

/**
 * GET /images/products/<id>.svg: the file in public/images/products when there is one (a seeded
 * product's picture, the placeholder), sent as every other file of the shop; otherwise the tile
 * products.picture draws for the product, so that no disk need be shared between the products
 * nodes and the gateways. The ETag lets a browser ask again for the price of a 304.
 */
export const pictureRoute: ApiRouteSchema = {
	name: "pictures",
	path: "/images/products",
	// HEAD as well: link checkers and caches ask whether a picture is there (node:http sends no body).
	aliases: { "GET :id.svg": "products.picture", "HEAD :id.svg": "products.picture" } satisfies Aliases,
	mappingPolicy: "restrict",
	use: [publicFileFirst],
	authorization: true,
	bodyParsers: false,
	etag: true,
	logging: false,
};

type Next = (err?: unknown) => void;
type FileServer = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

/** Called by moleculer-web with the gateway as `this`: its own file server (settings.assets) first, which reads paths from the site's root. */
function publicFileFirst(this: { serve?: FileServer }, req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next): void {
	const routed = req.url;
	if (!this.serve || !req.originalUrl) return next();
	req.url = req.originalUrl;
	this.serve(req, res, err => {
		req.url = routed;
		next(err);
	});
}

/**
 * The largest JSON body each route takes, in bytes; a route not listed takes BODY_LIMIT_DEFAULT.
 * Sized to what the route's params allow at their longest, with room for escapes, not more: every
 * byte let in is a byte some service validates.
 */
export const bodyLimitOf: Record<string, number> = {
	"POST auth/register": 4 * 1024,
	"POST auth/login": 4 * 1024,
	"PUT users/:id/role": 1024,
	"POST cart/items": 2 * 1024,
	"PUT cart/items/:productId": 1024,
	"PUT inventory/:productId": 1024,
	"POST shipping/quote": 32 * 1024,
	"POST checkout": 8 * 1024,
	"POST products": 32 * 1024,
	"PATCH products/:id": 32 * 1024,
	// Up to 50 fault rules of a few hundred bytes each.
	"PUT ops/faults": 32 * 1024,
};

/** Routes that read no body (GET, DELETE, a cancel) still get this much, as a JSON `{}` or so. */
export const BODY_LIMIT_DEFAULT = 1024;

/** The services the shop needs; /api/health/ready answers 200 only when each one answers somewhere. */
export const shopServices = [
	"users",
	"products",
	"inventory",
	"cart",
	"orders",
	"payments",
	"shipping",
	"notifications",
	"currency",
	"recommendations",
] as const;
