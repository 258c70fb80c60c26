// The catalog and recommendations: what a shopper browses.

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

export interface CatalogActions {
	"products.list": { params: ProductQuery; result: Page<Product> };
	"products.get": { params: { id: string; currency?: string }; result: Product };
	/** One batched read for carts and orders: the products that exist among `ids`, in any order. */
	"products.getMany": { params: { ids: string[] }; result: Product[] };
	"products.create": { params: ProductInput; result: Product };
	"products.update": { params: Partial<ProductInput> & { id: string }; result: Product };
	"products.remove": { params: { id: string }; result: { id: string } };
	"products.categories": { params: Record<string, never>; result: CategoryCount[] };

	"recommendations.forProduct": { params: { id: string; currency?: string }; result: Product[] };
}
