// Every action one service may call on another, by name, from the services' contracts.
// lib/call.ts reads this map. Each contract exports its `XActions`: `ActionsOf<typeof XContract>`.
import type { CartActions } from "../services/cart/cart.contract";
import type { CatalogActions } from "../services/products/products.contract";
import type { CurrencyActions } from "../services/currency/currency.contract";
import type { InventoryActions } from "../services/inventory/inventory.contract";
import type { NotificationsActions } from "../services/notifications/notifications.contract";
import type { OrdersActions } from "../services/orders/orders.contract";
import type { OpsActions } from "../services/ops/ops.contract";
import type { PaymentsActions } from "../services/payments/payments.contract";
import type { RecommendationsActions } from "../services/recommendations/recommendations.contract";
import type { ShippingActions } from "../services/shipping/shipping.contract";
import type { UsersActions } from "../services/users/users.contract";

export interface Actions
	extends UsersActions,
		CatalogActions,
		RecommendationsActions,
		InventoryActions,
		CurrencyActions,
		CartActions,
		OrdersActions,
		PaymentsActions,
		ShippingActions,
		NotificationsActions,
		OpsActions {}
