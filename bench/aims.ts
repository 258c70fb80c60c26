// Issue 13's aims, applied to the figures of one `npm run bench`: one row per aim (report.ts).
import type { CatalogFigures } from "./catalog.bench";
import type { ClusterFigures } from "./checkout-cluster.bench";
import type { CheckoutFigures } from "./checkout.bench";
import type { GatewayFigures } from "./gateway.bench";
import { atLeast, atMost, compared, crashed, ratioAtLeast, scalesWithin, type Row } from "./report";
import type { StartupFigures } from "./startup.bench";

/**
 * Checkouts per second before issue 13 (one node, NeDB files, 16 shoppers, this machine): the
 * issue measured 110–136/s. It cannot be measured again in the same run (that code is gone), so
 * its upper figure is the baseline: the aim is 4 × 136.
 */
export const OLD_CHECKOUTS_PER_SECOND = 136;

export interface Results {
	checkoutFiles: CheckoutFigures;
	checkoutMemory: CheckoutFigures;
	cluster: ClusterFigures;
	gateway: GatewayFigures;
	catalog: CatalogFigures;
	startup: StartupFigures;
}

/** Why a benchmark gave no figures (it crashed), by its key in Results. */
export type Failures = Partial<Record<keyof Results, string>>;

export function rowsOf(r: Partial<Results>, failed: Failures = {}): Row[] {
	const rows: Row[] = [];
	const missing = (key: keyof Results, figure: string) => rows.push(failed[key] ? crashed(figure, failed[key]) : { figure, measured: "not run", aim: "—", ratio: null, met: null });
	const files = r.checkoutFiles;
	const shoppers = files ? `${files.concurrency} shoppers` : "16 shoppers";

	if (files) {
		rows.push(atLeast(`checkout, one node, NeDB files, ${shoppers}`, files.checkout.perSecond, "/s", 4 * OLD_CHECKOUTS_PER_SECOND, ` (4× issue 13's ${OLD_CHECKOUTS_PER_SECOND}/s)`));
		rows.push(atMost("checkout p99, same run", files.checkout.p99, "ms", 60));
		if (files.mail) rows.push(compared("checkout, e-mail sent after the answer / before it (same run, ABBA rounds)", files.mail.after.perSecond, files.mail.before.perSecond, "/s"));
	} else missing("checkoutFiles", "checkout, one node, NeDB files");
	if (files && r.checkoutMemory) rows.push(ratioAtLeast(`checkout, NeDB files / in-memory store, ${shoppers}`, files.checkout.perSecond, r.checkoutMemory.checkout.perSecond, "/s", 0.5));
	else if (!r.checkoutMemory) missing("checkoutMemory", "checkout, in-memory store");
	if (files && r.cluster) rows.push(ratioAtLeast(`checkout, cluster (a node per service, NATS) / one node, ${r.cluster.concurrency} shoppers`, r.cluster.perSecond, files.checkout.perSecond, "/s", 0.4));
	else if (!r.cluster) missing("cluster", "checkout, cluster");

	if (r.gateway) {
		const { product, cart } = r.gateway;
		rows.push(ratioAtLeast("cached GET /api/products/:id / bare node:http, same bytes", product.gateway.requestsPerSec, product.bare.requestsPerSec, "req/s", 0.5));
		rows.push(ratioAtLeast("signed-in GET /api/cart / bare node:http, same bytes", cart.gateway.requestsPerSec, cart.bare.requestsPerSec, "req/s", 0.3));
		// Where the framework's floor is (gateway-floor.ts): no aim of their own, they say whether
		// the two above can be met with moleculer-web on this machine.
		const floor = r.gateway.floor;
		if (floor) {
			rows.push(compared("floor: moleculer-web, one action, same bytes, Moleculer's defaults / bare node:http", floor.defaults.requestsPerSec, product.bare.requestsPerSec, "req/s"));
			rows.push(compared("floor: the same on the shop's broker options / bare node:http", floor.shopOptions.requestsPerSec, product.bare.requestsPerSec, "req/s"));
			rows.push(compared("cached GET /api/products/:id / that floor (the shop's own cost)", product.gateway.requestsPerSec, floor.shopOptions.requestsPerSec, "req/s"));
		}
	} else missing("gateway", "gateway reads");

	if (r.catalog) {
		const sizes = Object.keys(r.catalog.p50).map(Number).sort((a, b) => a - b);
		const [small, large] = [sizes[0], sizes[sizes.length - 1]];
		if (sizes.length < 2) rows.push(crashed("catalog pages", "fewer than two catalog sizes measured"));
		else for (const [page, p50] of Object.entries(r.catalog.p50[small])) rows.push(scalesWithin(`catalog ${page}: p50 at ${large / 1000}k / ${small / 1000}k products`, r.catalog.p50[large][page], p50, 3, 20));
	} else missing("catalog", "catalog pages");

	if (r.startup) {
		const { large, adminCreates } = r.startup;
		const products = `${Math.round(large.products / 1000)}k products`;
		rows.push(atLeast(`products created through the admin API, ${products}, NeDB files`, adminCreates.perSecond, "/s", 500));
		rows.push(atMost(`one node, every service, ${products}: ready`, large.readyMs / 1000, "s", 5));
		if (large.rssMb === null) rows.push(crashed(`one node, every service, ${products}: RSS`, "no /proc on this machine"));
		else rows.push(atMost(`one node, every service, ${products}: RSS at ready`, large.rssMb, "MB", 300));
	} else missing("startup", "startup and admin writes");
	return rows;
}
