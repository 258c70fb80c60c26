// The README's trace picture is drawn from real spans: each span after its parent, siblings in
// the order they started, and nothing a span carries becomes markup.
import { callOrder, waterfallHtml, type ZipkinSpan } from "../../bench/trace-waterfall";

const span = (id: string, parentId: string | null, timestamp: number, tags: Record<string, string> = {}): ZipkinSpan => ({
	traceId: "t1",
	id,
	parentId,
	name: `action '${id}'`,
	timestamp,
	duration: 1_000,
	localEndpoint: { serviceName: id.split(".")[0] },
	tags,
});

describe("the trace waterfall", () => {
	const spans = [span("payments.charge", "orders.checkout", 30), span("api.rest", null, 0), span("inventory.reserve", "orders.checkout", 20), span("orders.checkout", "api.rest", 10)];

	it("lists each span after its parent, siblings by start time, indented by depth", () => {
		expect(callOrder(spans).map(({ span, depth }) => [span.id, depth])).toEqual([
			["api.rest", 0],
			["orders.checkout", 1],
			["inventory.reserve", 2],
			["payments.charge", 2],
		]);
	});

	it("treats a span whose parent is not in the trace as a root", () => {
		expect(callOrder([span("cart.removeOrdered", "elsewhere", 5)]).map(r => r.depth)).toEqual([0]);
	});

	it("escapes what spans carry, and leaves out the tags every span has", () => {
		const html = waterfallHtml([span("orders.checkout", null, 0, { "result.status": "<b>confirmed</b>", callingLevel: "2", service: "orders" })], { title: "t", note: "n" });
		expect(html).toContain("result.status=&#60;b&#62;confirmed&#60;/b&#62;");
		expect(html).not.toContain("<b>confirmed");
		expect(html).not.toContain("callingLevel=");
	});
});
