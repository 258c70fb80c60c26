// Appends to one file kept open, gathering what is pushed within the same turn of the event loop
// into one write. NeDB opens, appends to and closes its file for every single write; a checkout
// makes about twenty of them.
//
// The write itself is synchronous: one small append to the page cache is a few microseconds of
// system call, while handing it to libuv's thread pool costs a round trip between threads (on a
// busy machine, a context switch each way) and a promise chain — measured, several times the
// write. Durability is the same as NeDB's own appends: the bytes are with the kernel before any
// promise resolves, and neither calls fsync.
import fs from "node:fs";

export class Appender {
	private fd: number | null = null;
	private buffer = "";
	/** The write that will take `buffer`; null when nothing waits to be written. */
	private batch: Promise<void> | null = null;
	/** The latest write. */
	private last: Promise<void> = Promise.resolve();

	constructor(
		readonly filename: string,
		private readonly mode = 0o644,
	) {}

	/** Adds `text` to the next write; `settled()` says when it is in the file. */
	push(text: string): void {
		if (text.length === 0) return;
		this.buffer += text;
		this.batch ??= this.nextBatch();
	}

	/** Resolves once everything pushed so far is written; rejects if that write failed. */
	settled(): Promise<void> {
		return this.batch ?? this.last;
	}

	/** Lets go of the file, after what was pushed is written: NeDB's compaction replaces it. */
	async reopen(): Promise<void> {
		await this.settled().catch(() => undefined);
		const fd = this.fd;
		this.fd = null;
		if (fd !== null) fs.closeSync(fd);
	}

	close(): Promise<void> {
		return this.reopen();
	}

	private nextBatch(): Promise<void> {
		const batch = new Promise<void>((resolve, reject) => {
			// Let the rest of this turn's writes join, then write them at once.
			setImmediate(() => {
				const text = this.buffer;
				this.buffer = "";
				this.batch = null;
				try {
					this.fd ??= fs.openSync(this.filename, "a", this.mode);
					writeAll(this.fd, Buffer.from(text, "utf8"));
					resolve();
				} catch (err) {
					reject(err); // a failed write fails its own callers, not the next ones
				}
			});
		});
		batch.catch(() => undefined); // its callers hear of a failure through settled()
		this.last = batch;
		return batch;
	}
}

/** write(2) may take less than it was given (a signal, a full disk on its way): the rest follows. */
function writeAll(fd: number, bytes: Buffer): void {
	for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}
