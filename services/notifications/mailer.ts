// Where messages go: an SMTP server when SMTP_URL is set; otherwise an mbox file (open it with
// any mail program); in memory when DATA_DIR=":memory:" (tests).
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import type Mail from "nodemailer/lib/mailer";
import { Appender } from "../../lib/store/appender";

export interface Letter {
	/** The notification's id, in the Message-ID: a resend is recognisable. */
	id: string;
	from: string;
	to: string;
	subject: string;
	text: string;
	/** When it was written (the notification's createdAt): the same message renders the same bytes. */
	date: Date;
}

export interface SendOptions {
	/** An earlier attempt may have handed this message over already (it was stored before this try). */
	retry?: boolean;
}

export interface Mailer {
	readonly kind: "smtp" | "file" | "memory";
	/** Resolves once the message is handed over; rejects when it could not be (try again later). */
	send(letter: Letter, opts?: SendOptions): Promise<void>;
	close(): void | Promise<void>;
}

function compose(letter: Letter): Mail.Options {
	return {
		from: letter.from,
		to: letter.to,
		subject: letter.subject,
		text: letter.text,
		date: letter.date,
		messageId: messageIdOf(letter.id),
	};
}

const messageIdOf = (id: string) => `<${id}@moleculer-shop>`;

/**
 * Renders a message to RFC 822 bytes (CRLF line ends) without sending it anywhere: nodemailer's
 * own composer, which its transports use, without a transport's pipeline around it (measured:
 * ~30 % less CPU per message, the same bytes).
 */
function render(letter: Letter): Promise<Buffer> {
	return new MailComposer(compose(letter)).compile().build();
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
 * Every message appended to one mbox file (`outbox.mbox`, the mboxrd flavour: mutt, Thunderbird
 * and `mail -f` open it). One file per message cost ~0.7 ms of system time per message here
 * (creating a file is journaled metadata); an append to a file kept open costs microseconds.
 *
 * Appended at most once: the first attempt for a message just stored appends it; any later one
 * (`retry`: a crash may have come between the append and the mark "sent") first looks for the
 * whole entry in the file, and a message already there is not appended again. Retries are rare
 * (a node that died mid-send), so their read of the file costs nothing in the common case. The
 * file may be rotated like a log (moved aside): the next message starts a new one.
 */
export class MboxMailer implements Mailer {
	readonly kind = "file";
	private readonly appender: Appender;
	private retries: Promise<void> = Promise.resolve();

	constructor(readonly file: string) {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		// The appender ends a message a crash cut short before the next one, on a line of its own.
		this.appender = new Appender(file, { mode: 0o600, followRenames: true });
	}

	async send(letter: Letter, opts: SendOptions = {}): Promise<void> {
		const entry = mboxEntry(letter, (await render(letter)).toString("utf8"));
		if (!opts.retry) return this.append(entry);
		// Retries one after the other: two of the same message must not both find it missing.
		const retry = this.retries.then(async () => {
			if (!(await this.holds(entry))) await this.append(entry);
		});
		this.retries = retry.catch(() => undefined);
		return retry;
	}

	private append(entry: string): Promise<void> {
		this.appender.push(entry);
		return this.appender.settled();
	}

	/**
	 * Whether the file already holds this entry, whole: a message renders to the same bytes every
	 * time (its date and Message-ID are stored), and a whole entry is neither a message cut short by
	 * a crash nor a line of some message's body. Waits for what was pushed so far, not for its outcome.
	 */
	private async holds(entry: string): Promise<boolean> {
		await this.appender.settled().catch(() => undefined);
		return fileContains(this.file, entry);
	}

	close(): Promise<void> {
		return this.appender.close();
	}
}

/** "From <sender> <asctime>", the message with mboxrd's ">From " quoting, and the blank line that ends it. */
function mboxEntry(letter: Letter, message: string): string {
	const sender = /<([^<>\s]+)>/.exec(letter.from)?.[1] ?? (letter.from.replace(/\s+/g, "") || "MAILER-DAEMON");
	const body = message.replace(/\r\n/g, "\n").replace(/^(>*From )/gm, ">$1");
	return `From ${sender} ${asctime(letter.date)}\n${body}${body.endsWith("\n") ? "" : "\n"}\n`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Sat Jan  2 03:04:05 2030`, in UTC: the date format of an mbox "From " line. */
function asctime(d: Date): string {
	const two = (n: number) => String(n).padStart(2, "0");
	return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Whether `needle` occurs in the file, read in 1 MiB chunks (a needle may span two of them). */
async function fileContains(file: string, needle: string): Promise<boolean> {
	let handle: fs.promises.FileHandle;
	try {
		handle = await fs.promises.open(file, "r");
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
		throw err;
	}
	try {
		const wanted = Buffer.from(needle, "utf8");
		const chunk = Buffer.alloc(1 << 20);
		let carry = Buffer.alloc(0);
		for (let position = 0; ; ) {
			const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
			if (bytesRead === 0) return false;
			position += bytesRead;
			const window = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
			if (window.includes(wanted)) return true;
			carry = Buffer.from(window.subarray(Math.max(0, window.length - wanted.length + 1)));
		}
	} finally {
		await handle.close();
	}
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
	return new MboxMailer(path.join(opts.dataDir, "notifications", "outbox.mbox"));
}
