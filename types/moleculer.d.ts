// What this shop adds to Moleculer's action schema.
import "moleculer";

declare module "moleculer" {
	interface ActionSchema {
		/**
		 * Who may call this action through the gateway: anyone, a signed-in user, or an admin.
		 * The gateway refuses a routed action that does not say (see services/api.service.ts).
		 */
		auth?: "public" | "user" | "admin";
		/** One line for the OpenAPI document's summary of the route. */
		description?: string;
		/** Per-action request timeout in ms, overriding the broker's requestTimeout. */
		timeout?: number;
		/** moleculer-web: the Content-Type of the answer (for answers that are not JSON), cached answers included. */
		responseType?: string;
		/** moleculer-web: headers added to every successful answer of the action. */
		responseHeaders?: Record<string, string>;
	}
}
