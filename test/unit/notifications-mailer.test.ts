import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { createMailer, MboxMailer, MemoryMailer, SmtpMailer, type Letter } from "../../services/notifications/mailer";
import { retryDelayMs } from "../../services/notifications/messages";
import { diskFullAfter } from "../support/disk-full";

const letter: Letter = {
	id: "7f1c2a9e-0000-4000-8000-000000000001",
	from: "Moleculer Shop <shop@localhost>",
	to: "ada@example.com",
	subject: "Your order is confirmed",
	text: "Thank you for your order.",
	date: new Date("2030-01-02T03:04:05Z"),
};

describe("the outbox file (mbox)", () => {
	let dir: string;
	let file: string;
	let mailer: MboxMailer;
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-outbox-"));
		file = path.join(dir, "notifications", "outbox.mbox");
		mailer = new MboxMailer(file);
	});
	afterEach(async () => {
		await mailer.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	const entries = () => fs.readFileSync(file, "utf8").split(/^(?=From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$)/m);
	const copiesOf = (id: string) => fs.readFileSync(file, "utf8").split(`Message-ID: <${id}@moleculer-shop>`).length - 1;

	it("appends each message to one mbox file a mail program can open, readable by its owner only", async () => {
		const second = { ...letter, id: "7f1c2a9e-0000-4000-8000-000000000002", subject: "Your order has shipped" };
		await mailer.send(letter);
		await mailer.send(second);
		const [first, next] = entries();
		expect(entries()).toHaveLength(2);
		expect(first.split("\n")[0]).toBe("From shop@localhost Wed Jan  2 03:04:05 2030");
		expect(first).toMatch(/^To: ada@example\.com$/m);
		expect(first).toMatch(/^Subject: Your order is confirmed$/m);
		expect(first).toMatch(new RegExp(`^Message-ID: <${letter.id}@moleculer-shop>$`, "m"));
		expect(first).toContain("Thank you for your order.");
		expect(first.endsWith("\n\n")).toBe(true);
		expect(next).toMatch(/^Subject: Your order has shipped$/m);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	});

	it("quotes body lines that start with From (mboxrd), so they never start a message", async () => {
		await mailer.send({ ...letter, text: "From all of us: thank you.\n>From the archive" });
		expect(entries()).toHaveLength(1);
		expect(fs.readFileSync(file, "utf8")).toContain("\n>From all of us: thank you.\n>>From the archive");
	});

	it("never appends a message twice when a retry follows an append that was not marked sent (a crash)", async () => {
		await mailer.send(letter);
		await Promise.all([mailer.send(letter, { retry: true }), mailer.send(letter, { retry: true })]);
		expect(copiesOf(letter.id)).toBe(1);
	});

	it("appends a retried message whole when the file holds only part of it (a crash mid-write)", async () => {
		await mailer.send(letter);
		await mailer.close();
		const whole = fs.readFileSync(file, "utf8");
		fs.writeFileSync(file, whole.slice(0, whole.indexOf("Thank you")));

		const again = new MboxMailer(file);
		try {
			await again.send(letter, { retry: true });
		} finally {
			await again.close();
		}
		expect(copiesOf(letter.id)).toBe(2); // the torn one and the whole one
		expect(entries()[1]).toBe(whole);
	});

	it("sends a retry once the disk has room again, after a write that failed", async () => {
		const full = diskFullAfter(0);
		await expect(mailer.send(letter)).rejects.toThrow(/ENOSPC/);
		await mailer.send(letter, { retry: true });
		expect(copiesOf(letter.id)).toBe(1);
		full.mockRestore();
	});

	it("appends a retried message the file does not hold yet, once", async () => {
		await Promise.all([mailer.send(letter, { retry: true }), mailer.send(letter, { retry: true })]);
		expect(copiesOf(letter.id)).toBe(1);
	});

	it("finds a message that spans two of the chunks it reads the file in", async () => {
		await mailer.send(letter);
		const entry = fs.readFileSync(file, "utf8");
		fs.writeFileSync(file, "x".repeat((1 << 20) - Math.floor(entry.length / 2)) + "\n\n" + entry);
		await mailer.send(letter, { retry: true });
		expect(copiesOf(letter.id)).toBe(1);
	});

	it("picks SMTP when SMTP_URL is set, memory in tests, the mbox file otherwise", () => {
		const smtp = createMailer({ smtpUrl: "smtp://127.0.0.1:2525", dataDir: dir });
		expect(smtp).toBeInstanceOf(SmtpMailer);
		void smtp.close();
		expect(createMailer({ smtpUrl: null, dataDir: "/anywhere/:memory:" })).toBeInstanceOf(MemoryMailer);
		const files = createMailer({ smtpUrl: null, dataDir: dir });
		expect(files).toBeInstanceOf(MboxMailer);
		expect((files as MboxMailer).file).toBe(path.join(dir, "notifications", "outbox.mbox"));
	});
});

describe("rendering", () => {
	it("gives the bytes nodemailer's own transports give (its composer, without their pipeline)", async () => {
		const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
		const mail = { ...letter, subject: "Your order ABC is confirmed — thanks", text: "1 × Knife  $89.00\nFrom us: thanks" };
		const viaTransport = await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, date: mail.date, messageId: `<${mail.id}@moleculer-shop>` });
		const memory = new MemoryMailer();
		await memory.send(mail);
		expect(memory.sent[0].raw).toBe((viaTransport.message as Buffer).toString("utf8"));
	});
});

describe("retrying a message that could not be sent", () => {
	it("waits longer after each failure, up to a minute", () => {
		expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
		expect(retryDelayMs(30)).toBe(60_000);
	});
});
