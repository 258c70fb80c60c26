// What travels in ctx.meta. Only the gateway writes it from a request; nothing a client sends
// is copied into it except through the explicit fields below.
import type { Context } from "moleculer";

export type Role = "customer" | "admin";

/** The caller, as the gateway verified it from the bearer token. */
export interface AuthUser {
	id: string;
	email: string;
	role: Role;
}

export interface ShopMeta {
	user?: AuthUser | null;
	/** The guest cart named by the X-Cart-Id request header. */
	cartId?: string | null;
	/** The socket address of the HTTP client (never X-Forwarded-For). */
	clientIp?: string;
	/** The Idempotency-Key request header. */
	idempotencyKey?: string | null;
	/** Read by moleculer-web: status code and headers of the HTTP answer. */
	$statusCode?: number;
	$responseHeaders?: Record<string, string>;
	$responseType?: string;
	/** Read by moleculer-web: the Location header of a 201 or a redirect. */
	$location?: string;
}

export type ShopContext<P = unknown> = Context<P, ShopMeta>;
