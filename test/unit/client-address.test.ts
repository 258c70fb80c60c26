import type { IncomingMessage } from "node:http";
import { config } from "../../lib/config";
import { clientAddress } from "../../services/api/request";

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
	return { socket: { remoteAddress }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} } as unknown as IncomingMessage;
}

describe("who is calling, as the gateway sees it", () => {
	const saved = config.trustedProxies;
	afterEach(() => {
		config.trustedProxies = saved;
	});

	it("believes only the socket when no proxy is trusted", () => {
		config.trustedProxies = [];
		expect(clientAddress(request("203.0.113.9", "198.51.100.1"))).toBe("203.0.113.9");
		expect(clientAddress(request("::ffff:203.0.113.9"))).toBe("203.0.113.9");
	});

	it("takes the client from X-Forwarded-For when a trusted proxy sends it, and nothing the client wrote itself", () => {
		config.trustedProxies = ["10.0.0.2", "10.0.0.3"];
		// The client claimed 1.2.3.4; the outer proxy saw 198.51.100.7; the inner one 10.0.0.3.
		expect(clientAddress(request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3"))).toBe("198.51.100.7");
		expect(clientAddress(request("10.0.0.2"))).toBe("10.0.0.2");
		// An untrusted socket's X-Forwarded-For is the caller's own say.
		expect(clientAddress(request("198.51.100.7", "10.0.0.2"))).toBe("198.51.100.7");
	});
});
