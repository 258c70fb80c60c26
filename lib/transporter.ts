// The broker's transporter option from the configuration: NATS with the node's credentials
// (user and password, or a token) and TLS when configured. Other transporters take their
// credentials in their URL, as Moleculer reads it.
import type { BrokerOptions } from "moleculer";
import type { ShopConfig } from "./config";

export interface NatsOptions {
	servers?: string[];
	user?: string;
	pass?: string;
	token?: string;
	tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export function transporterOption(cfg: Pick<ShopConfig, "transporter" | "transporterAuth">): BrokerOptions["transporter"] {
	if (!cfg.transporter) return undefined;
	const isNatsName = cfg.transporter.toUpperCase() === "NATS";
	if (!isNatsName && !/^nats:\/\//i.test(cfg.transporter)) return cfg.transporter as BrokerOptions["transporter"];

	const { user, password, token, tls } = cfg.transporterAuth;
	const options: NatsOptions = {};
	if (!isNatsName) {
		// Moleculer's own URL parsing would overwrite a user given separately with the URL's
		// (empty) one: hand NATS the servers, and the credentials apart.
		const urls = cfg.transporter.split(",").map(u => new URL(u.trim()));
		options.servers = urls.map(u => u.host);
		const inUrl = urls.find(u => u.username || u.password);
		if (inUrl) {
			options.user = decodeURIComponent(inUrl.username) || undefined;
			options.pass = decodeURIComponent(inUrl.password) || undefined;
		}
	}
	if (user && password) Object.assign(options, { user, pass: password });
	if (token) options.token = token;
	if (tls) options.tls = tls;
	return { type: "NATS", options } as BrokerOptions["transporter"];
}
