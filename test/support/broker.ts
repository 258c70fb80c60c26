// In-process brokers for integration tests: the real broker options (timeouts, circuit breaker,
// validator), no transporter, memory stores.
import type { AddressInfo } from "node:net";
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import brokerConfig from "../../moleculer.config";

let counter = 0;

export function createBroker(opts: BrokerOptions = {}): ServiceBroker {
	const level = process.env.TEST_LOG_LEVEL;
	return new ServiceBroker({
		...brokerConfig,
		nodeID: `test-${process.pid}-${++counter}`,
		transporter: undefined,
		cacher: "Memory",
		metrics: { enabled: false },
		logger: level ? { type: "Console", options: { level } } : false,
		...opts,
	});
}

/** A started broker running `services`; stop it in afterAll. */
export async function startBroker(services: ServiceSchema<any, any, any>[], opts: BrokerOptions = {}): Promise<ServiceBroker> {
	const broker = createBroker(opts);
	for (const schema of services) broker.createService(schema);
	await broker.start();
	return broker;
}

/** The base URL of the gateway running on `broker` (it listens on a free port in tests). */
export function gatewayUrl(broker: ServiceBroker): string {
	const api = broker.getLocalService("api") as unknown as { server: { address(): AddressInfo } };
	return `http://127.0.0.1:${api.server.address().port}`;
}
