// Writes the seeded products' pictures, and the placeholder for products created without one,
// into public/images/products. Run once after changing the seed or the drawing, and commit the
// output: `npm run build && node dist/lib/seed-catalog/write-images.js`.
import fs from "node:fs";
import path from "node:path";
import { publicDir } from "../paths";
import { productSvg } from "./images";
import { PLACEHOLDER_IMAGE } from "./images";
import { SEED_PRODUCTS } from "./seed";

function main(): void {
	const dir = path.join(publicDir, "images", "products");
	fs.mkdirSync(dir, { recursive: true });
	for (const product of SEED_PRODUCTS) fs.writeFileSync(path.join(publicDir, product.imageUrl), productSvg(product));
	fs.writeFileSync(path.join(publicDir, PLACEHOLDER_IMAGE), productSvg({ id: "placeholder", sku: "", name: "No picture yet", category: "" }));
	console.log(`Wrote ${SEED_PRODUCTS.length + 1} pictures to ${dir}`);
}

main();
