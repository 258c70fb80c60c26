// Product pictures the shop serves itself: one small SVG per product, drawn from its category
// (colour and motif) and its id (the pattern of circles, and a shift of hue), so that no two
// look alike. The seeded products' are written to public/images/products by
// lib/seed-catalog/write-images.ts; a product created without a picture gets its tile drawn when
// asked for (services/products/images.ts).
import crypto from "node:crypto";

/** The picture of a product that has none of its own. */
export const PLACEHOLDER_IMAGE = "/images/products/placeholder.svg";

export interface Drawable {
	id: string;
	sku: string;
	name: string;
	category: string;
}

interface Look {
	hue: number;
	/** White line art, drawn in a 200×200 box centred on the picture. */
	motif: string;
}

const LOOKS: Record<string, Look> = {
	kitchen: {
		hue: 14,
		motif:
			'<rect x="40" y="80" width="120" height="80" rx="18"/><path d="M30 80h140M20 100h20M160 100h20"/><path d="M85 80c0-14 30-14 30 0"/><path d="M80 52c-6-8 6-14 0-22M100 52c-6-8 6-14 0-22M120 52c-6-8 6-14 0-22"/>',
	},
	outdoor: {
		hue: 150,
		motif: '<path d="M20 160l55-80 30 40 25-30 50 70z"/><circle cx="150" cy="55" r="18"/><path d="M66 94l9-14 10 14"/>',
	},
	audio: {
		hue: 265,
		motif: '<path d="M45 120v-20a55 55 0 0 1 110 0v20"/><rect x="32" y="112" width="30" height="50" rx="10"/><rect x="138" y="112" width="30" height="50" rx="10"/>',
	},
	books: {
		hue: 35,
		motif:
			'<rect x="45" y="50" width="28" height="115" rx="4"/><rect x="78" y="38" width="32" height="127" rx="4"/><rect x="115" y="60" width="24" height="105" rx="4" transform="rotate(-12 127 165)"/><path d="M40 168h125"/>',
	},
	office: {
		hue: 205,
		motif: '<rect x="30" y="40" width="140" height="90" rx="8"/><path d="M100 130v25M70 160h60"/><path d="M50 65h60M50 85h90M50 105h40"/>',
	},
	apparel: {
		hue: 330,
		motif: '<path d="M72 40l-42 25 16 30 16-8v73h76V87l16 8 16-30-42-25c-4 14-16 22-28 22s-24-8-28-22z"/>',
	},
};

const OTHER: Look = { hue: 190, motif: '<rect x="50" y="50" width="100" height="100" rx="14"/><path d="M50 85h100M100 50v100"/>' };

export function productSvg(p: Drawable): string {
	const look = LOOKS[p.category] ?? OTHER;
	const bytes = crypto.createHash("sha256").update(p.id).digest();
	const hue = (look.hue + (bytes[0] % 24) - 12 + 360) % 360;
	const dots = Array.from({ length: 5 }, (_, i) => {
		const cx = 20 + (bytes[1 + i * 3] % 360);
		const cy = 20 + (bytes[2 + i * 3] % 250);
		const r = 10 + (bytes[3 + i * 3] % 36);
		return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" fill-opacity="${(0.06 + (i % 3) * 0.04).toFixed(2)}"/>`;
	}).join("");
	const lines = wrap(p.name, 22, 2);
	const text = lines
		.map((line, i) => `<text x="200" y="${338 + (i - (lines.length - 1) / 2) * 26}" text-anchor="middle" font-size="21" font-weight="600">${xml(line)}</text>`)
		.join("");
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${xml(p.name)}">`,
		`<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 55% 62%)"/><stop offset="1" stop-color="hsl(${(hue + 25) % 360} 50% 40%)"/></linearGradient></defs>`,
		`<rect width="400" height="400" rx="24" fill="url(#bg)"/>`,
		dots,
		`<g transform="translate(100 70)" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" stroke-linejoin="round" opacity="0.92">${look.motif}</g>`,
		`<rect x="0" y="296" width="400" height="104" fill="#000" fill-opacity="0.18"/>`,
		`<g fill="#fff" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">${text}`,
		`<text x="20" y="34" font-size="13" letter-spacing="1.5" fill-opacity="0.8">${xml(p.sku)}</text></g>`,
		`</svg>`,
		"",
	].join("\n");
}

/** Greedy word wrap into at most `maxLines` lines, the last one cut with an ellipsis if need be. */
export function wrap(text: string, width: number, maxLines: number): string[] {
	const lines: string[] = [];
	let line = "";
	for (const word of text.split(/\s+/)) {
		if (line && `${line} ${word}`.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	if (lines.length <= maxLines) return lines;
	const kept = lines.slice(0, maxLines);
	kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, width - 1)}…`;
	return kept;
}

function xml(s: string): string {
	return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
