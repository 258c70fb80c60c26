// How fast is a cached product read through the gateway, next to the fastest thing Node can do?
// Prints both throughputs and their ratio (the aim: 0.5 or better), measured in one run on
// this machine. `npm run bench:gateway`.
import { spawn } from "node:child_process";
import { load, printTable, startShop } from "./support";

const BARE_PORT = 3901;
const SHOP_PORT = 3902;
const PRODUCT_ID = "prod-0001";

// The baseline: node:http answering the same product JSON, with nothing in between.
function bareServer(body: string): string {
	return `
const http = require("node:http");
const body = ${JSON.stringify(body)};
http.createServer((req, res) => { res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" }); res.end(body); }).listen(${BARE_PORT}, "127.0.0.1");
`;
}

async function main(): Promise<void> {
	const shop = await startShop({ port: SHOP_PORT });
	const productUrl = `${shop.url}/api/products/${PRODUCT_ID}`;
	const product = await (await fetch(productUrl)).text();
	const bare = spawn(process.execPath, ["-e", bareServer(product)], { stdio: "inherit" });
	await new Promise(r => setTimeout(r, 500));

	try {
		await load(productUrl, { seconds: 2 }); // warm the cache and the JIT
		await load(`http://127.0.0.1:${BARE_PORT}/`, { seconds: 2 });
		const viaGateway = await load(productUrl);
		const baseline = await load(`http://127.0.0.1:${BARE_PORT}/`);
		printTable([
			{ target: "bare node:http", "req/s": baseline.requestsPerSec, "p50 ms": baseline.p50, "p99 ms": baseline.p99, errors: baseline.errors + baseline.non2xx },
			{ target: "GET /api/products/:id", "req/s": viaGateway.requestsPerSec, "p50 ms": viaGateway.p50, "p99 ms": viaGateway.p99, errors: viaGateway.errors + viaGateway.non2xx },
		]);
		const ratio = viaGateway.requestsPerSec / baseline.requestsPerSec;
		console.log(`ratio gateway / bare: ${ratio.toFixed(2)} (aim: ≥ 0.50)`);
	} finally {
		bare.kill();
		await shop.stop();
	}
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
