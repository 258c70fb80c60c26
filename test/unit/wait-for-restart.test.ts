// Which calls wait for a restarting service: the gateway asks `isRestarting` on every request, so
// it must say yes only for a service whose node left gracefully a moment ago and is not back yet.
import { ServiceBroker, type BrokerOptions } from "moleculer";
import { isRestarting, WaitForRestartMiddleware } from "../../middlewares/wait-for-restart.middleware";

describe("isRestarting", () => {
	const broker = new ServiceBroker({ logger: false, middlewares: [WaitForRestartMiddleware({ waitMs: 200, rememberMs: 1_000 })] as unknown as BrokerOptions["middlewares"] });
	broker.createService({ name: "shelf", actions: { get: () => "here" } });
	beforeAll(() => broker.start());
	afterAll(() => broker.stop());
	afterEach(() => jest.useRealTimers());

	const leaves = (id: string, services: string[], unexpected: boolean) => {
		const node = { id, services: services.map(name => ({ name })) };
		broker.localBus.emit("$node.connected", { node });
		broker.localBus.emit("$node.disconnected", { node, unexpected });
	};

	it("is false for a service nobody saw leave", () => {
		expect(isRestarting(broker, "cart.get")).toBe(false);
	});

	it("is true for a service whose node said goodbye a moment ago, until the memory of it fades", () => {
		jest.useFakeTimers({ now: Date.now() });
		leaves("cart-1", ["cart"], false);
		expect(isRestarting(broker, "cart.get")).toBe(true);
		jest.setSystemTime(Date.now() + 1_000);
		expect(isRestarting(broker, "cart.get")).toBe(false);
	});

	it("is false for a service whose node died (no goodbye)", () => {
		leaves("orders-1", ["orders"], true);
		expect(isRestarting(broker, "orders.get")).toBe(false);
	});

	it("is false once the service is back (an endpoint is available)", () => {
		leaves("shelf-2", ["shelf"], false);
		expect(isRestarting(broker, "shelf.get")).toBe(false);
	});
});
