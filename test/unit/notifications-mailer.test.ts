import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMailer, FileMailer, MemoryMailer, SmtpMailer, type Letter } from "../../services/notifications/mailer";
import { retryDelayMs } from "../../services/notifications/messages";

const letter: Letter = {
	id: "7f1c2a9e-0000-4000-8000-000000000001",
	from: "Moleculer Shop <shop@localhost>",
	to: "ada@example.com",
	subject: "Your order is confirmed",
	text: "Thank you for your order.",
	date: new Date("2030-01-02T03:04:05Z"),
};

describe("the outbox folder", () => {
	let dir: string;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-outbox-"));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	it("writes a message as one .eml file a mail program can open", async () => {
		const mailer = new FileMailer(path.join(dir, "outbox"));
		await mailer.send(letter);
		const files = fs.readdirSync(path.join(dir, "outbox"));
		expect(files).toEqual([`${letter.id}.eml`]);
		const eml = fs.readFileSync(path.join(dir, "outbox", files[0]), "utf8");
		expect(eml).toMatch(/^To: ada@example\.com$/m);
		expect(eml).toMatch(/^Subject: Your order is confirmed$/m);
		expect(eml).toMatch(new RegExp(`^Message-ID: <${letter.id}@moleculer-shop>$`, "m"));
		expect(eml).toContain("Thank you for your order.");
	});

	it("never writes the same message twice, even when asked again (a crash before it was marked sent)", async () => {
		const mailer = new FileMailer(path.join(dir, "outbox"));
		await mailer.send(letter);
		const first = fs.statSync(path.join(dir, "outbox", `${letter.id}.eml`));
		await Promise.all([mailer.send(letter), mailer.send(letter), mailer.send({ ...letter, text: "changed" })]);
		const again = fs.statSync(path.join(dir, "outbox", `${letter.id}.eml`));
		expect(fs.readdirSync(path.join(dir, "outbox"))).toHaveLength(1);
		expect(again.ino).toBe(first.ino);
		expect(again.mtimeMs).toBe(first.mtimeMs);
		expect(fs.readdirSync(path.join(dir, "outbox.tmp"))).toEqual([]);
	});

	it("picks SMTP when SMTP_URL is set, memory in tests, files otherwise", () => {
		const smtp = createMailer({ smtpUrl: "smtp://127.0.0.1:2525", dataDir: dir });
		expect(smtp).toBeInstanceOf(SmtpMailer);
		smtp.close();
		expect(createMailer({ smtpUrl: null, dataDir: "/anywhere/:memory:" })).toBeInstanceOf(MemoryMailer);
		const files = createMailer({ smtpUrl: null, dataDir: dir });
		expect(files).toBeInstanceOf(FileMailer);
		expect((files as FileMailer).outboxDir).toBe(path.join(dir, "notifications", "outbox"));
	});
});

describe("retrying a message that could not be sent", () => {
	it("waits longer after each failure, up to a minute", () => {
		expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
		expect(retryDelayMs(30)).toBe(60_000);
	});
});
