// The ops page's chart starts with the past: the ops service samples the cluster's metrics on a
// timer and keeps the last 10 minutes, given with `GET /api/ops/metrics?history=true`; the
// contract's answer (without the query) stays as it is.
import { signToken } from "../../lib/tokens";
import ApiService from "../../services/api/api.service";
import CurrencyService from "../../services/currency/currency.service";
import OpsService from "../../services/ops/ops.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";
import { waitFor } from "../support/poll";

const admin = signToken({ id: "u-admin", email: "admin@example.com", role: "admin" });
const customer = signToken({ id: "u-ada", email: "ada@example.com", role: "customer" });

describe("ops: the last minutes of metrics", () => {
	let stop: () => Promise<void>;
	let base: string;

	beforeAll(async () => {
		// A sample every 100 ms, so the test waits for a few of them and not for minutes.
		const ops = { ...OpsService, settings: { ...OpsService.settings, historyEveryMs: 100 } };
		const broker = await startBroker([ApiService, CurrencyService, ops], { metrics: { enabled: true } });
		stop = () => broker.stop();
		base = `${gatewayUrl(broker)}/api`;
	});
	afterAll(() => stop());

	const metrics = (query = "", token = admin) => http.get(`${base}/ops/metrics${query}`, { token });

	it("gives the samples kept so far, oldest first, each with every service's rates and p95", async () => {
		const res = await waitFor(() => metrics("?history=true"), r => r.body.history?.length >= 3, { what: "three samples" });
		expect(res.status).toBe(200);
		const { history } = res.body;
		const times = history.map((s: { at: string }) => Date.parse(s.at));
		expect(times).toEqual([...times].sort((a, b) => a - b));
		expect(times.every((t: number) => t <= Date.parse(res.body.at))).toBe(true);
		for (const sample of history) {
			expect(sample.services.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(["api", "currency", "ops"]));
			for (const row of sample.services) expect(row).toEqual({ name: expect.any(String), requestsPerSecond: expect.any(Number), errorsPerSecond: expect.any(Number), p95Ms: expect.any(Number) });
		}
	});

	it("answers the contract's fields alone without the query", async () => {
		const res = await metrics();
		expect(res.status).toBe(200);
		expect(Object.keys(res.body).sort()).toEqual(["at", "services"]);
		expect((await metrics("?history=false")).body.history).toBeUndefined();
	});

	it("refuses a history flag that is not true or false (422), and customers (403)", async () => {
		expect((await metrics("?history=lots")).status).toBe(422);
		expect((await metrics("?history=true", customer)).status).toBe(403);
	});
});
