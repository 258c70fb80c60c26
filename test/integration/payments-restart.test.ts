// A payments node that dies while the processor is deciding leaves a claim, never a charge: on its
// next start the claim is dropped, so the undoing checkout's refund answers at once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import PaymentsService from "../../services/payments/payments.service";
import { call } from "../../lib/call";
import { config } from "../../lib/config";
import { pendingCharge, type ChargeDoc } from "../../services/payments/charges";
import type { Store } from "../../mixins/db.mixin";
import { startBroker } from "../support/broker";

describe("payments across a restart", () => {
	const savedDir = config.dataDir;
	let dir: string;
	let broker: ServiceBroker | null = null;
	const store = () => (broker?.getLocalService("payments") as unknown as { adapter: Store<ChargeDoc> }).adapter;

	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-payments-"));
		config.dataDir = dir;
	});
	afterAll(async () => {
		await broker?.stop();
		config.dataDir = savedDir;
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it("drops a claim its previous run left undecided, keeps settled charges, and refunds at once", async () => {
		broker = await startBroker([PaymentsService as unknown as ServiceSchema]);
		const card = { cardNumber: "4242424242424242", expMonth: 12, expYear: 2099, cvc: "123" };
		await call(broker, "payments.charge", { orderId: "settled", amount: 500, currency: "USD", card });
		// What a kill -9 in the middle of a charge leaves in the store.
		await store().insert(pendingCharge("interrupted", 700, "USD", "4242", Date.now()));
		await broker.stop();

		broker = await startBroker([PaymentsService as unknown as ServiceSchema]);
		expect(await store().find({ query: { orderId: "interrupted" } })).toEqual([]);
		const started = Date.now();
		await expect(call(broker, "payments.refund", { orderId: "interrupted" })).resolves.toBeNull();
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(await call(broker, "payments.list", {})).toEqual([expect.objectContaining({ orderId: "settled", status: "charged", amount: 500 })]);
	});
});
