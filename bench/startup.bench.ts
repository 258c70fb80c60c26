// One node with every service: how long until /api/health/ready says 200, and how much memory
// it holds then (the aim: under 3 s and 250 MB). First on an empty DATA_DIR (seeding included),
// then again on the same data. `npm run bench:startup`.
import fs from "node:fs";
import { printTable, rssMb, startShop } from "./support";

async function main(): Promise<void> {
	const rows = [];
	let dataDir: string | undefined;
	for (const run of ["fresh data", "existing data"]) {
		const shop = await startShop({ port: 3903, dataDir });
		dataDir = shop.dataDir;
		rows.push({ run, "ready ms": Math.round(shop.readyMs), "RSS MB": rssMb(shop.child.pid!) });
		await shop.stop();
	}
	printTable(rows);
	if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
