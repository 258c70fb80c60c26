// Events between services, by name, gathered from the services' contracts. Events are
// announcements: whoever needs a fact to survive a crash keeps it in its own store first (see
// orders' outbox), and never relies on an event alone.
import type { InventoryEvents } from "../services/inventory/inventory.contract";
import type { ProductsEvents } from "../services/products/products.contract";
import type { ShippingEvents } from "../services/shipping/shipping.contract";
import type { OrdersEvents } from "../services/orders/orders.contract";
import type { OpsEvents } from "../services/ops/ops.contract";

export interface Events extends InventoryEvents, ProductsEvents, ShippingEvents, OrdersEvents, OpsEvents {}
