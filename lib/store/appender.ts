// Appends to one file kept open, gathering what is pushed within the same turn of the event loop
// into one write. NeDB opens, appends to and closes its file for every single write; a checkout
// makes about twenty of them.
//
// The write itself is synchronous: one small append to the page cache is a few microseconds of
// system call, while handing it to libuv's thread pool costs a round trip between threads (on a
// busy machine, a context switch each way) and a promise chain — measured, several times the
// write. Durability is the same as NeDB's own appends: the bytes are with the kernel before any
// promise resolves, and neither calls fsync.
//
// A crash in the middle of an append can leave a half line (or half a message) at the end of the
// file; the first write after opening it ends that line first, so that it is not glued to it and
// lost with it.
import fs from "node:fs";

export interface AppenderOptions {
	mode?: number;
	/**
	 * Look, before each write, whether the file at `filename` is still the one held open, and open
	 * it again when it is not: a file that people rotate (move aside) gets the next writes in a new
	 * file by that name, not in the one moved away. One stat per write.
	 */
	followRenames?: boolean;
}

export class Appender {
	private fd: number | null = null;
	/** The size of the open file as far as this appender's writes go: where a failed write is cut back to. */
	private size = 0;
	private buffer = "";
	/** The write that will take `buffer`; null when nothing waits to be written. */
	private batch: Promise<void> | null = null;
	/** The latest write. */
	private last: Promise<void> = Promise.resolve();
	/** How many texts were pushed so far: a caller tells by it whether an operation pushed any. */
	pushes = 0;

	constructor(
		readonly filename: string,
		private readonly opts: AppenderOptions = {},
	) {}

	/** Adds `text` to the next write; `settled()` says when it is in the file. */
	push(text: string): void {
		if (text.length === 0) return;
		this.pushes++;
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
		this.letGo();
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
					this.write(Buffer.from(text, "utf8"));
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

	/**
	 * Appends all of `bytes` or none: a write that fails half-way (a disk filling up) is cut back,
	 * so that no half line or half message stays in the file for the next write to be glued to.
	 */
	private write(bytes: Buffer): void {
		if (this.fd !== null && this.opts.followRenames && !this.stillTheFile(this.fd)) this.letGo();
		this.fd ??= this.open();
		try {
			writeAll(this.fd, bytes);
			this.size += bytes.length;
		} catch (err) {
			try {
				fs.ftruncateSync(this.fd, this.size);
			} catch {
				// The write's own error is the one its callers need to hear.
			}
			this.letGo(); // opened afresh for the next write, which learns the size again
			throw err;
		}
	}

	/** Opens the file for appending, its last line ended (a crash may have cut it short). */
	private open(): number {
		const fd = fs.openSync(this.filename, "a+", this.opts.mode ?? 0o644);
		try {
			this.size = fs.fstatSync(fd).size;
			if (this.size > 0) {
				const last = Buffer.alloc(1);
				fs.readSync(fd, last, 0, 1, this.size - 1);
				if (last[0] !== 0x0a) {
					writeAll(fd, Buffer.from("\n"));
					this.size += 1;
				}
			}
			return fd;
		} catch (err) {
			// Not held: the next write opens it again (a full disk must not leak a descriptor per try).
			fs.closeSync(fd);
			throw err;
		}
	}

	private stillTheFile(fd: number): boolean {
		try {
			return fs.statSync(this.filename).ino === fs.fstatSync(fd).ino;
		} catch {
			return false; // moved away and nothing there yet
		}
	}

	private letGo(): void {
		const fd = this.fd;
		this.fd = null;
		if (fd !== null) fs.closeSync(fd);
	}
}

/** write(2) may take less than it was given (a signal, a full disk on its way): the rest follows. */
function writeAll(fd: number, bytes: Buffer): void {
	for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}
