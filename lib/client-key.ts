// Who counts as one client, for every limit keyed by client (the gateway's rate limit, the login
// and sign-up throttles): an IPv4 address, or an IPv6 /64, the block a single subscriber usually
// gets (per address, one machine could pick a fresh one for every request).
import net from "node:net";

/** `203.0.113.7` for IPv4 (also when mapped into IPv6), `2001:db8:aa:bb::/64` for IPv6. */
export function clientKey(ip: string): string {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
	if (mapped) return mapped;
	if (!net.isIPv6(ip)) return ip;
	const address = ip.split("%")[0].toLowerCase();
	const [head, tail] = address.includes("::") ? address.split("::") : [address, null];
	const left = head ? head.split(":") : [];
	const right = tail ? tail.split(":") : [];
	const groups = tail === null ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
	return `${groups
		.slice(0, 4)
		.map(g => g.replace(/^0+(?=.)/, ""))
		.join(":")}::/64`;
}
