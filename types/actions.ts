// Every action one service may call on another, by name. lib/call.ts reads this map.
import type { CartActions } from "./cart";
import type { CatalogActions } from "./catalog";
import type { CurrencyActions } from "./currency";
import type { InventoryActions } from "./inventory";
import type { NotificationsActions } from "./notifications";
import type { OrdersActions } from "./orders";
import type { PaymentsActions } from "./payments";
import type { ShippingActions } from "./shipping";
import type { UsersActions } from "./users";

export interface Actions
	extends UsersActions,
		CatalogActions,
		InventoryActions,
		CurrencyActions,
		CartActions,
		OrdersActions,
		PaymentsActions,
		ShippingActions,
		NotificationsActions {}
