// Appends to one file kept open, gathering what is pushed while the previous write is on its way
// (or within the same turn of the event loop) into one write. NeDB opens, appends to and closes
// its file for every single write; a checkout makes about twenty of them.
import fs from "node:fs/promises";

export class Appender {
	private handle: fs.FileHandle | null = null;
	private buffer = "";
	/** The write that will take `buffer`; null when nothing waits to be written. */
	private batch: Promise<void> | null = null;
	/** The latest write started. */
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
		const handle = this.handle;
		this.handle = null;
		await handle?.close();
	}

	close(): Promise<void> {
		return this.reopen();
	}

	private nextBatch(): Promise<void> {
		const previous = this.last;
		const batch = (async () => {
			await previous.catch(() => undefined); // a failed write fails its own callers, not the next ones
			await new Promise(resolve => setImmediate(resolve)); // let the rest of this turn's writes join
			const text = this.buffer;
			this.buffer = "";
			this.batch = null;
			this.handle ??= await fs.open(this.filename, "a", this.mode);
			await this.handle.appendFile(text, "utf8");
		})();
		this.last = batch;
		return batch;
	}
}
