// The gateway's rate limit counts clients as the login throttle does: an IPv4 address, or an
// IPv6 /64 (one machine may hold a whole /64 and rotate through it). The client's address comes
// from X-Forwarded-For here, as a trusted proxy in front of the gateway would send it.
import type { ServiceBroker } from "moleculer";
import ApiService from "../../services/api/api.service";
import { config } from "../../lib/config";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

let broker: ServiceBroker;
let base: string;
const savedProxies = config.trustedProxies;

beforeAll(async () => {
	config.trustedProxies = ["127.0.0.1", "::1"];
	broker = await startBroker([ApiService]);
	base = gatewayUrl(broker);
});
afterAll(async () => {
	config.trustedProxies = savedProxies;
	await broker.stop();
});

async function remainingFor(client: string): Promise<number> {
	const res = await http.get(`${base}/api/health`, { headers: { "x-forwarded-for": client } });
	expect(res.status).toBe(200);
	return Number(res.headers.get("x-rate-limit-remaining"));
}

it("counts every address of one IPv6 /64 as one client, and another /64 as another", async () => {
	const first = await remainingFor("2001:db8:1:2::1");
	expect(await remainingFor("2001:db8:1:2:ffff:ffff:ffff:fffe")).toBe(first - 1);
	expect(await remainingFor("2001:0db8:0001:0002:abcd::9")).toBe(first - 2);
	expect(await remainingFor("2001:db8:1:3::1")).toBe(config.rateLimit - 1);
});

it("counts an IPv4 address by itself, written plainly or mapped into IPv6", async () => {
	const first = await remainingFor("198.51.100.20");
	expect(await remainingFor("::ffff:198.51.100.20")).toBe(first - 1);
	expect(await remainingFor("198.51.100.21")).toBe(config.rateLimit - 1);
});
