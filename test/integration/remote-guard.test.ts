// Two nodes on Moleculer's Fake transporter: the gateway's route-changing actions and `$node.*`
// answer only to code on their own node once the guard is on (production); the rest of the
// node serves remote callers as before.
import crypto from "node:crypto";
import { Errors, type ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";
import { RemoteGuardMiddleware } from "../../middlewares/remote-guard.middleware";
import { createBroker } from "../support/broker";

async function twoNodes(guard: boolean): Promise<{ gateway: ServiceBroker; stranger: ServiceBroker; routes: () => number }> {
	const namespace = `guard-${crypto.randomBytes(4).toString("hex")}`;
	const gateway = createBroker({ namespace, nodeID: `${namespace}-gateway`, transporter: "Fake", middlewares: [RemoteGuardMiddleware({ enabled: guard })] });
	const api = gateway.createService({ name: "api", mixins: [ApiGateway], settings: { port: 0, ip: "127.0.0.1", routes: [] }, actions: { hello: () => "hello" } });
	const stranger = createBroker({ namespace, nodeID: `${namespace}-stranger`, transporter: "Fake" });
	await Promise.all([gateway.start(), stranger.start()]);
	await stranger.waitForServices("api", 5_000);
	return { gateway, stranger, routes: () => (api as unknown as { routes: unknown[] }).routes.length };
}

const ROGUE_ROUTE = { route: { path: "/everything", mappingPolicy: "all", aliases: {} } };

describe("with the guard on (production)", () => {
	let nodes: Awaited<ReturnType<typeof twoNodes>>;
	beforeAll(async () => (nodes = await twoNodes(true)));
	afterAll(() => Promise.all([nodes.gateway.stop(), nodes.stranger.stop()]));

	it("refuses api.addRoute and api.removeRoute from another node, and changes nothing", async () => {
		const before = nodes.routes();
		const opts = { nodeID: nodes.gateway.nodeID };
		for (const [action, params] of [["api.addRoute", ROGUE_ROUTE], ["api.removeRoute", { path: "/" }]] as const) {
			const err = (await nodes.stranger.call(action, params, opts).catch(e => e)) as Errors.MoleculerError;
			expect(err).toBeInstanceOf(Errors.MoleculerClientError);
			expect({ code: err.code, type: err.type }).toEqual({ code: 403, type: "REMOTE_CALL_REFUSED" });
		}
		expect(nodes.routes()).toBe(before);
	});

	it("refuses $node.* from another node", async () => {
		const err = (await nodes.stranger.call("$node.list", {}, { nodeID: nodes.gateway.nodeID }).catch(e => e)) as Errors.MoleculerError;
		expect(err.code).toBe(403);
		const services = await nodes.stranger.call("$node.services", {}, { nodeID: nodes.gateway.nodeID }).catch(e => e);
		expect((services as Errors.MoleculerError).code).toBe(403);
	});

	it("still serves them to code on its own node, and everything else to any node", async () => {
		expect(await nodes.stranger.call("api.hello", {}, { nodeID: nodes.gateway.nodeID })).toBe("hello");
		expect(Array.isArray(await nodes.gateway.call("$node.list"))).toBe(true);
		const before = nodes.routes();
		await nodes.gateway.call("api.addRoute", ROGUE_ROUTE);
		expect(nodes.routes()).toBe(before + 1);
	});
});

describe("with the guard off (development)", () => {
	it("lets another node call them (what production must not allow)", async () => {
		const nodes = await twoNodes(false);
		try {
			const before = nodes.routes();
			await nodes.stranger.call("api.addRoute", ROGUE_ROUTE, { nodeID: nodes.gateway.nodeID });
			expect(nodes.routes()).toBe(before + 1);
			expect(Array.isArray(await nodes.stranger.call("$node.list", {}, { nodeID: nodes.gateway.nodeID }))).toBe(true);
		} finally {
			await Promise.all([nodes.gateway.stop(), nodes.stranger.stop()]);
		}
	});
});
