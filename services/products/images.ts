// A picture for a product created without one: the same kind of tile as the seeded products'
// (lib/seed-catalog/images.ts), drawn from its category, id and name, written where the shop
// serves product pictures.
import fs from "node:fs/promises";
import path from "node:path";
import { productSvg, type Drawable } from "../../lib/seed-catalog/images";

/** The shop path of the tile written to `dir`, or null when it could not be written (the caller keeps the placeholder). */
export async function drawTile(dir: string, product: Drawable): Promise<string | null> {
	const file = `${product.id}.svg`;
	try {
		await fs.mkdir(dir, { recursive: true });
		await fs.writeFile(path.join(dir, file), productSvg(product));
		return `/images/products/${file}`;
	} catch {
		return null;
	}
}
