// A rolling restart of a local multi-process cluster, and what shoppers saw meanwhile:
//
//   npm run rolling-restart -- --users 5
//
// Starts NATS if none answers (NATS_URL, else 127.0.0.1:4222, else a `nats-server` binary), a
// gateway node and three service nodes from dist/, runs weighted shoppers (bench/load.ts), gives
// each service node SIGTERM in turn, starts it again and waits until the shop is ready before the
// next, then prints the shoppers' report. Exits non-zero when more than 1 in 100 requests failed.
import crypto from "node:crypto";
import { formatReport, runLoad } from "./load";
import { SHOP_LAYOUT, TestCluster } from "../test/support/cluster";
import { findOrStartNats } from "../test/support/nats";

const SERVICE_NODES = Object.keys(SHOP_LAYOUT).filter(name => name !== "gw");

function argument(name: string, fallback: string): string {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<number> {
	const nats = await findOrStartNats();
	process.env.NATS_URL = nats.url;
	// Every node of a cluster signs and checks tokens with the same secret (a development secret is per DATA_DIR).
	process.env.JWT_SECRET ??= crypto.randomBytes(48).toString("base64");
	const cluster = new TestCluster();
	try {
		await cluster.start();
		const base = (await cluster.startShop()).replace(/\/api$/, "");
		const ready = async () => (await fetch(`${base}/api/health/ready`).catch(() => null))?.status === 200;
		console.log(`Shop ready at ${base}; restarting ${SERVICE_NODES.join(", ")} one at a time under shoppers…`);

		let done = false;
		const load = runLoad({ url: base, users: Math.max(1, Math.min(100, Number(argument("users", "5")))), durationS: 600, thinkMs: 200, progress: null, stop: () => done });
		for (const name of SERVICE_NODES) {
			const started = Date.now();
			await cluster.stopNode(name);
			await cluster.restart(name);
			await cluster.waitFor(ready, 30_000, `the shop to be ready after ${name}`);
			console.log(`  ${name}: stopped, started and ready again in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		}
		done = true;
		const report = await load;
		console.log(`\nWhat shoppers saw:\n${formatReport(report)}`);
		const failed = report.routes.reduce((sum, r) => sum + r.errors, 0);
		console.log(`\n${failed} of ${report.requests} requests failed (${((100 * failed) / Math.max(1, report.requests)).toFixed(2)} %; aim ≤ 1 %).`);
		return failed / Math.max(1, report.requests) <= 0.01 ? 0 : 1;
	} finally {
		await cluster.stop();
		nats.server?.kill();
	}
}

main().then(
	code => process.exit(code),
	err => {
		console.error(err);
		process.exit(2);
	},
);
