// Every action one service may call on another, by name. lib/call.ts reads this map.
import type { CartActions } from "./cart";
import type { CatalogActions } from "./catalog";
import type { OrdersActions } from "./orders";
import type { UsersActions } from "./users";

export interface Actions extends UsersActions, CatalogActions, CartActions, OrdersActions {}
