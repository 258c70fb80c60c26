// Catalog, inventory, currency and recommendations: what a shopper browses.

/** Money is always an integer number of minor units (cents) with its ISO 4217 currency. */
export interface Product {
	id: string;
	sku: string;
	name: string;
	description: string;
	category: string;
	price: number;
	currency: string;
	imageUrl: string;
	/** Quantity that can be bought now; null when inventory cannot be asked. */
	available: number | null;
}

export type ProductSort = "price" | "-price" | "name" | "-name" | "createdAt" | "-createdAt";

export interface ProductQuery {
	q?: string;
	category?: string;
	minPrice?: number;
	maxPrice?: number;
	sort?: ProductSort;
	page?: number;
	pageSize?: number;
	currency?: string;
}

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export interface ProductInput {
	sku: string;
	name: string;
	description: string;
	category: string;
	price: number;
	imageUrl?: string;
}

export interface CategoryCount {
	name: string;
	count: number;
}

export interface StockLevel {
	productId: string;
	onHand: number;
	reserved: number;
	available: number;
}

export interface OrderLine {
	productId: string;
	quantity: number;
}

export interface Reservation {
	orderId: string;
	status: "held" | "committed" | "released" | "expired";
	lines: OrderLine[];
	expiresAt: string;
}

export interface CatalogActions {
	"products.list": { params: ProductQuery; result: Page<Product> };
	"products.get": { params: { id: string; currency?: string }; result: Product };
	/** One batched read for carts and orders: the products that exist among `ids`, in any order. */
	"products.getMany": { params: { ids: string[] }; result: Product[] };
	"products.create": { params: ProductInput; result: Product };
	"products.update": { params: Partial<ProductInput> & { id: string }; result: Product };
	"products.remove": { params: { id: string }; result: { id: string } };
	"products.categories": { params: Record<string, never>; result: CategoryCount[] };

	"inventory.get": { params: { productId: string }; result: StockLevel };
	"inventory.set": { params: { productId: string; onHand: number }; result: StockLevel };
	/** Available quantity per product id, in one call; unknown ids are absent. */
	"inventory.availability": { params: { productIds: string[] }; result: Record<string, number> };
	/** Hold every line for an order, or none (409 OutOfStock naming the lines short). Idempotent per orderId. */
	"inventory.reserve": { params: { orderId: string; lines: OrderLine[] }; result: Reservation };
	/** Turn the hold into a sale. Idempotent per orderId. */
	"inventory.commit": { params: { orderId: string }; result: Reservation };
	/** Give held stock back, or, after a commit, put sold stock back (a cancelled order). Idempotent per orderId. */
	"inventory.release": { params: { orderId: string }; result: Reservation };

	"currency.list": { params: Record<string, never>; result: string[] };
	/** Convert many amounts from one currency to another in one call. */
	"currency.convert": { params: { from: string; to: string; amounts: number[] }; result: { currency: string; amounts: number[] } };

	"recommendations.forProduct": { params: { id: string; currency?: string }; result: Product[] };
}
