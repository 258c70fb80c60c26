// Log lines carry the request they belong to: every line logged while a request is handled, in
// any service it reaches, has the same request id (Moleculer's own, which crosses nodes).
import { ServiceBroker } from "moleculer";
import { jsonLine, RequestContextMiddleware } from "../../lib/request-context";

describe("JSON log lines with the request's ids", () => {
	// The broker logs as the shop does in production (Console logger, jsonLine formatter); the lines
	// it prints are caught here instead of reaching the test output.
	const lines: Record<string, unknown>[] = [];
	const print = jest.spyOn(console, "log").mockImplementation((line: string) => void lines.push(JSON.parse(line)));
	const broker = new ServiceBroker({
		logger: { type: "Console", options: { level: "info", colors: false, formatter: jsonLine } },
		middlewares: [RequestContextMiddleware()],
	});
	broker.createService({
		name: "outer",
		actions: {
			async run(ctx) {
				this.logger.info("outer starts");
				await ctx.call("inner.run");
				this.logger.info("outer ends");
			},
		},
	});
	broker.createService({ name: "inner", actions: { async run() { await new Promise(r => setImmediate(r)); this.logger.info("inner runs"); } } });
	beforeAll(() => broker.start());
	afterAll(async () => {
		await broker.stop();
		print.mockRestore();
	});

	it("gives every line of one request, in every service, the same request id", async () => {
		lines.length = 0;
		await broker.call("outer.run", {}, { requestID: "req-1" });
		await broker.call("outer.run", {}, { requestID: "req-2" });
		const ours = lines.filter(l => String(l.msg).match(/outer|inner/));
		expect(ours.map(l => [l.msg, l.requestId])).toEqual([
			["outer starts", "req-1"], ["inner runs", "req-1"], ["outer ends", "req-1"],
			["outer starts", "req-2"], ["inner runs", "req-2"], ["outer ends", "req-2"],
		]);
		expect(ours[0]).toMatchObject({ level: "info", mod: "outer", ts: expect.any(Number) });
	});

	it("logs lines outside any request without ids", () => {
		lines.length = 0;
		broker.logger.info("no request here");
		expect(lines[0]).not.toHaveProperty("requestId");
	});
});
