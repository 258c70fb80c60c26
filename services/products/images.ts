// A picture for a product created without one: the same kind of tile as the seeded products'
// (lib/seed-catalog/images.ts), drawn from its category, id and name, written where the shop
// serves product pictures.
import fs from "node:fs/promises";
import path from "node:path";
import { productSvg, type Drawable } from "../../lib/seed-catalog/images";

/** The folders made already: a create writes its tile without asking for the folder again. */
const made = new Set<string>();

/** The shop path of the tile written to `dir`, or null when it could not be written (the caller keeps the placeholder). */
export async function drawTile(dir: string, product: Drawable): Promise<string | null> {
	const file = `${product.id}.svg`;
	const svg = productSvg(product);
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			if (!made.has(dir)) {
				await fs.mkdir(dir, { recursive: true });
				made.add(dir);
			}
			await fs.writeFile(path.join(dir, file), svg);
			return `/images/products/${file}`;
		} catch {
			made.delete(dir); // removed since? Made again once.
		}
	}
	return null;
}
