// Where messages go: an SMTP server when SMTP_URL is set; otherwise .eml files in an outbox
// folder (open them with any mail program); in memory when DATA_DIR=":memory:" (tests).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";

export interface Letter {
	/** The notification's id: the Message-ID and the file name, so a resend is recognisable. */
	id: string;
	from: string;
	to: string;
	subject: string;
	text: string;
	/** When it was written (the notification's createdAt): the same message renders the same bytes. */
	date: Date;
}

export interface Mailer {
	readonly kind: "smtp" | "file" | "memory";
	/** Resolves once the message is handed over; rejects when it could not be (try again later). */
	send(letter: Letter): Promise<void>;
	close(): void;
}

function compose(letter: Letter): Mail.Options {
	return {
		from: letter.from,
		to: letter.to,
		subject: letter.subject,
		text: letter.text,
		date: letter.date,
		messageId: `<${letter.id}@moleculer-shop>`,
	};
}

/** Renders a message to RFC 822 bytes without sending it anywhere. */
const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

async function render(letter: Letter): Promise<Buffer> {
	const info = await renderer.sendMail(compose(letter));
	return info.message as Buffer;
}

export class SmtpMailer implements Mailer {
	readonly kind = "smtp";
	private readonly transport: nodemailer.Transporter;

	constructor(url: string) {
		// Short timeouts: an unreachable server fails the attempt quickly and the sweeper tries again later.
		this.transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
	}

	async send(letter: Letter): Promise<void> {
		await this.transport.sendMail(compose(letter));
	}

	close(): void {
		this.transport.close();
	}
}

/**
 * One `<id>.eml` file per message, written at most once: the bytes go to a temporary file that
 * is then hard-linked to its final name, which fails if that name exists. So a message whose
 * sending was interrupted after the file was written (a crash before it was marked sent) is
 * recognised as sent when it is tried again, and never half a file is in the outbox.
 */
export class FileMailer implements Mailer {
	readonly kind = "file";
	private readonly tmpDir: string;

	constructor(readonly outboxDir: string) {
		this.tmpDir = path.join(path.dirname(outboxDir), "outbox.tmp");
		fs.mkdirSync(outboxDir, { recursive: true });
		fs.mkdirSync(this.tmpDir, { recursive: true });
	}

	async send(letter: Letter): Promise<void> {
		const tmp = path.join(this.tmpDir, `${letter.id}.${crypto.randomUUID()}.tmp`);
		await fs.promises.writeFile(tmp, await render(letter));
		try {
			await fs.promises.link(tmp, path.join(this.outboxDir, `${letter.id}.eml`));
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
		} finally {
			await fs.promises.rm(tmp, { force: true });
		}
	}

	close(): void {}
}

export interface SentLetter extends Letter {
	raw: string;
}

/** Keeps every message it is given, in order, for tests to read: a message sent twice shows up twice. */
export class MemoryMailer implements Mailer {
	readonly kind = "memory";
	readonly sent: SentLetter[] = [];

	async send(letter: Letter): Promise<void> {
		this.sent.push({ ...letter, raw: (await render(letter)).toString("utf8") });
	}

	close(): void {}
}

export function createMailer(opts: { smtpUrl: string | null; dataDir: string }): Mailer {
	if (opts.smtpUrl) return new SmtpMailer(opts.smtpUrl);
	if (opts.dataDir.endsWith(":memory:")) return new MemoryMailer();
	return new FileMailer(path.join(opts.dataDir, "notifications", "outbox"));
}
