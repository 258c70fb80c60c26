// The catalog a fresh install starts with. Ids, SKUs and createdAt are fixed so that every
// install (and every test) sees the same products; inventory seeds its stock from `initialStock`.

import type { ProductInput } from "../../services/products/products.contract";

export interface SeedProduct extends Required<ProductInput> {
	id: string;
	createdAt: string;
	/** Units on hand at first start; read by the inventory service, not stored by products. */
	initialStock: number;
}

type Row = [sku: string, name: string, price: number, stock: number, description: string];

const CATALOG: Record<string, Row[]> = {
	kitchen: [
		["KIT-CHEF-8", "Forged Chef's Knife 8\"", 8900, 24, "High-carbon stainless steel blade, full tang, hand-honed to a 15° edge."],
		["KIT-PAN-28", "Cast Iron Skillet 28 cm", 4500, 40, "Pre-seasoned cast iron that goes from stovetop to oven to campfire."],
		["KIT-POUR-1", "Pour-Over Coffee Dripper", 2400, 3, "Porcelain cone dripper with spiral ribs for an even, clean extraction."],
		["KIT-KETL-1", "Gooseneck Electric Kettle", 6900, 15, "Precise pour spout and temperature hold from 40 °C to 100 °C."],
		["KIT-BOARD-L", "End-Grain Walnut Cutting Board", 7900, 8, "Thick end-grain walnut that is kind to knife edges; finished with food-safe oil."],
		["KIT-MILL-2", "Ceramic Burr Pepper Mill", 3200, 0, "Adjustable ceramic burrs from fine powder to coarse crack."],
		["KIT-DUTCH-5", "Enamelled Dutch Oven 5 qt", 11900, 12, "Heavy enamelled cast iron for braises, stews and crusty bread."],
		["KIT-SCALE-1", "Digital Kitchen Scale", 2900, 35, "Weighs to the gram up to 5 kg, with tare and a splash-proof surface."],
	],
	outdoor: [
		["OUT-TENT-2", "Two-Person Backpacking Tent", 24900, 6, "Freestanding, 1.6 kg trail weight, with two doors and two vestibules."],
		["OUT-BAG-0", "Down Sleeping Bag 0 °C", 18900, 9, "650-fill responsibly sourced down in a packable mummy cut."],
		["OUT-LAMP-3", "Rechargeable Headlamp 350 lm", 3900, 50, "USB-C charging, red night mode and a lock-out switch for the pack."],
		["OUT-BOTL-1", "Insulated Water Bottle 1 L", 3400, 60, "Double-walled steel keeps drinks cold for 24 hours or hot for 12."],
		["OUT-STOVE-1", "Compact Canister Stove", 4900, 2, "Boils a litre in under four minutes and folds to the size of a fist."],
		["OUT-PACK-45", "Trail Backpack 45 L", 15900, 11, "Ventilated back panel, adjustable torso length and a rain cover."],
		["OUT-CHAIR-1", "Ultralight Camp Chair", 9900, 14, "Aluminium frame, sets up in a minute, packs down to 35 cm."],
		["OUT-FILT-1", "Squeeze Water Filter", 3900, 1, "0.1-micron hollow-fibre filter for streams and lakes; 100,000 litres rated."],
	],
	audio: [
		["AUD-HP-ANC", "Noise-Cancelling Headphones", 29900, 18, "Over-ear, adaptive noise cancelling and 30 hours of battery."],
		["AUD-EAR-TW", "True Wireless Earbuds", 12900, 30, "Sweat-resistant buds with a pocketable charging case."],
		["AUD-SPK-BT", "Portable Bluetooth Speaker", 7900, 25, "Waterproof, 15 hours of play, pairs with a second speaker for stereo."],
		["AUD-TT-1", "Belt-Drive Turntable", 34900, 4, "Two-speed turntable with a built-in switchable phono preamp."],
		["AUD-DAC-1", "USB Headphone DAC", 9900, 0, "Pocket DAC and amplifier that drives demanding headphones from a laptop."],
		["AUD-MIC-USB", "USB Condenser Microphone", 11900, 10, "Cardioid capsule, zero-latency monitoring and a desk stand."],
		["AUD-BOOK-2", "Bookshelf Speakers (Pair)", 24900, 7, "Two-way passive speakers with a warm midrange and tight bass."],
		["AUD-CBL-3", "Braided Audio Cable 3 m", 1900, 80, "3.5 mm to 3.5 mm with gold-plated plugs and a tangle-free braid."],
	],
	books: [
		["BOK-BREAD", "The Bread Book", 3200, 20, "Sourdough, rye and flatbreads from a working baker, step by step."],
		["BOK-TRAIL", "Trails of the Northern Ranges", 2800, 12, "A field guide to forty multi-day hikes with maps and water sources."],
		["BOK-CODE", "Designing Distributed Systems", 4900, 16, "Patterns for services that keep working when parts of them fail."],
		["BOK-SOUND", "How Music Is Made", 2600, 3, "An illustrated history of recording, from wax cylinders to streaming."],
		["BOK-GARD", "The Small Garden Year", 2400, 22, "Month by month: what to sow, prune and harvest in a small plot."],
		["BOK-FERM", "Fermentation at Home", 2900, 9, "Kimchi, kraut, kombucha and miso, with the science behind them."],
		["BOK-STARS", "A Pocket Atlas of the Night Sky", 1900, 30, "Star charts for every season, sized for a jacket pocket."],
		["BOK-WOOD", "Hand Tool Woodworking", 3900, 5, "Joinery, sharpening and finishing without a single power tool."],
	],
	office: [
		["OFF-CHAIR-E", "Ergonomic Mesh Office Chair", 39900, 5, "Adjustable lumbar support, seat depth and 4D armrests."],
		["OFF-DESK-SS", "Sit-Stand Desk Frame", 44900, 3, "Dual-motor frame with memory presets, from 62 to 127 cm."],
		["OFF-LAMP-LED", "LED Desk Lamp", 5900, 28, "Dimmable, adjustable colour temperature and a USB charging port."],
		["OFF-KB-MECH", "Mechanical Keyboard", 12900, 13, "Hot-swappable switches, aluminium case and PBT keycaps."],
		["OFF-MOUSE-V", "Vertical Ergonomic Mouse", 4900, 21, "A handshake grip that takes the twist out of the forearm."],
		["OFF-NOTE-A5", "Dot-Grid Notebook A5", 1600, 90, "192 numbered pages of 100 g/m² paper that takes fountain pen ink."],
		["OFF-PEN-FP", "Steel Fountain Pen", 3600, 2, "Medium steel nib, converter included, balanced brass body."],
		["OFF-ARM-1", "Monitor Arm", 8900, 17, "Gas-spring arm for screens up to 32\" and 9 kg."],
	],
	apparel: [
		["APP-RAIN-M", "Packable Rain Jacket", 14900, 19, "Three-layer waterproof shell that stuffs into its own pocket."],
		["APP-WOOL-T", "Merino Wool T-Shirt", 6900, 45, "150 g/m² merino: cool in summer, warm when wet, never smelly."],
		["APP-SOCK-3", "Hiking Socks (3 Pairs)", 2900, 70, "Cushioned merino blend with a seamless toe."],
		["APP-BEAN-1", "Ribbed Wool Beanie", 2900, 1, "Soft lambswool knit in a classic fisherman rib."],
		["APP-FLEECE", "Recycled Fleece Pullover", 8900, 16, "Warm grid fleece made from recycled bottles."],
		["APP-BOOT-L", "Leather Hiking Boots", 21900, 8, "Full-grain leather, waterproof membrane and a grippy lug sole."],
		["APP-GLOVE-T", "Touchscreen Gloves", 2400, 0, "Knit gloves with conductive fingertips for phones in the cold."],
		["APP-CAP-1", "Canvas Baseball Cap", 2200, 38, "Washed cotton canvas with an adjustable brass buckle."],
	],
};

function build(): SeedProduct[] {
	const products: SeedProduct[] = [];
	const base = Date.UTC(2024, 0, 15, 9, 0, 0);
	for (const [category, rows] of Object.entries(CATALOG)) {
		for (const [sku, name, price, initialStock, description] of rows) {
			const n = products.length + 1;
			const id = `prod-${String(n).padStart(4, "0")}`;
			// One product a day, so sorting by createdAt has a clear, stable order.
			const createdAt = new Date(base + (n - 1) * 86_400_000).toISOString();
			products.push({ id, sku, name, description, category, price, imageUrl: `/images/products/${id}.svg`, createdAt, initialStock });
		}
	}
	return products;
}

export const SEED_PRODUCTS: readonly SeedProduct[] = Object.freeze(build());
