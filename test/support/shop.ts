// The whole shop in one process, for tests that go through the gateway end to end.
import { Errors, type Middleware, type ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import CartService from "../../services/cart/cart.service";
import CurrencyService from "../../services/currency/currency.service";
import InventoryService from "../../services/inventory/inventory.service";
import NotificationsService from "../../services/notifications/notifications.service";
import OpsService from "../../services/ops/ops.service";
import OrdersService from "../../services/orders/orders.service";
import PaymentsService from "../../services/payments/payments.service";
import ProductsService from "../../services/products/products.service";
import RecommendationsService from "../../services/recommendations/recommendations.service";
import ShippingService from "../../services/shipping/shipping.service";
import UsersService from "../../services/users/users.service";

/** A scrypt cost that keeps tests fast; the real cost is auth-login-timing.test.ts's business. */
export const CHEAP_PASSWORD_COST = { N: 2 ** 12, r: 8, p: 1 };

type AnySchema = ServiceSchema<any, any, any, any>;

const SHOP: Record<string, AnySchema> = {
	api: ApiService,
	users: UsersService,
	products: ProductsService,
	inventory: InventoryService,
	cart: CartService,
	orders: OrdersService,
	payments: PaymentsService,
	shipping: ShippingService,
	notifications: NotificationsService,
	currency: CurrencyService,
	recommendations: RecommendationsService,
	ops: OpsService,
};

/**
 * Every service of the shop. `overrides` adjust one by name (settings, an injected clock…):
 * the real schema is mixed in under them. Users always hash with CHEAP_PASSWORD_COST.
 */
export function everyService(overrides: Record<string, Partial<AnySchema>> = {}): AnySchema[] {
	const defaults: Record<string, Partial<AnySchema>> = { users: { settings: { passwordCost: CHEAP_PASSWORD_COST } } };
	return Object.entries(SHOP).map(([name, schema]) => {
		const extra = overrides[name] ?? defaults[name];
		if (!extra) return schema;
		const settings = { ...defaults[name]?.settings, ...extra.settings };
		return { ...extra, name, mixins: [schema], settings } as AnySchema;
	});
}

/**
 * A switch that makes services (by name) or single actions (by full name) unreachable, the way a
 * dead node does: calls fail with ServiceNotAvailableError. Add `outage.middleware` to the broker.
 * It wraps every other middleware (it is added after Moleculer's own), so not even a cached
 * answer comes back from a service that is down: a dead node answers nothing.
 */
export function createOutage(): { down: Set<string>; middleware: Middleware } {
	const down = new Set<string>();
	const outage = {
		name: "Outage",
		localAction(next: (ctx: unknown) => Promise<unknown>, action: { name: string; service?: { name: string } }) {
			return (ctx: unknown) =>
				down.has(action.service?.name ?? "") || down.has(action.name)
					? Promise.reject(new Errors.ServiceNotAvailableError({ action: action.name, nodeID: "test" }))
					: next(ctx);
		},
	} as unknown as Middleware;
	const middleware = {
		name: "OutageInstaller",
		created(broker: { middlewares: { add(mw: Middleware): void } }) {
			broker.middlewares.add(outage);
		},
	} as unknown as Middleware;
	return { down, middleware };
}
