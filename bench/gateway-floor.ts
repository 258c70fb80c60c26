// Where the gateway's floor is: moleculer-web with one route and one action that answers the same
// object, no shop code, on a broker with Moleculer's defaults or with the shop's broker options
// (metrics, bulkhead, per-call timeouts, breakers, the shop's middlewares). Measured beside the
// shop's gateway and a bare node:http server, in the same rounds: what the shop adds is the gap
// between its gateway and the floor with its options; what the framework and those options cost
// is the gap between the floor and the bare server.
import { spawn, type ChildProcess } from "node:child_process";
import { projectRoot } from "../lib/paths";

export type FloorKind = "shop-options" | "moleculer-defaults";

/** The script of one floor server: `body` is the JSON the action answers with (parsed once: the same object every time, as a cache hit). */
function floorScript(kind: FloorKind, port: number, body: string): string {
	const options = kind === "shop-options" ? `{ ...require("./dist/moleculer.config.js"), nodeID: "floor", transporter: null, cacher: null }` : `{ nodeID: "floor", logger: false }`;
	return `
const { ServiceBroker } = require("moleculer");
const ApiGateway = require("moleculer-web");
const answer = JSON.parse(${JSON.stringify(body)});
const broker = new ServiceBroker(${options});
broker.createService({ name: "floor", actions: { get: { handler: () => answer } } });
broker.createService({
	name: "api",
	mixins: [ApiGateway],
	settings: { port: ${port}, ip: "127.0.0.1", routes: [{ path: "/", mappingPolicy: "restrict", aliases: { "GET /answer": "floor.get" } }] },
});
broker.start().catch(err => { console.error(err); process.exit(1); });
`;
}

/** Starts a floor server on `port`; it answers GET /answer. */
export function startFloor(kind: FloorKind, port: number, body: string): ChildProcess {
	return spawn(process.execPath, ["-e", floorScript(kind, port, body)], {
		cwd: projectRoot,
		env: { ...process.env, TRANSPORTER: "", METRICS_PORT: "0", LOG_LEVEL: "warn", DATA_DIR: ":memory:" },
		stdio: "inherit",
	});
}
