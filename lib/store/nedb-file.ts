// How a NeDB collection reaches its file, where we do it differently from NeDB itself.
//
// NeDB rewrites the whole file on every load (its "compaction"), building every serialized line in
// memory and queueing them all on a write stream at once: for 100,000 products, some 70 MB held at
// the moment the node becomes ready, and a second or more of start. Loading already keeps only the
// latest line of each document, so the file as it is gives the same collection on the next load:
// it is left as it is, and the periodic compaction shrinks it later, writing the documents a chunk
// at a time to a temporary file that then replaces the old one (NeDB's crash-safe order).
import fs from "node:fs";
import path from "node:path";

/** NeDB's persistence, as far as we reach into it. */
export interface NedbPersistence {
	db: { getAllData(): object[]; indexes: Record<string, { unique: boolean; sparse: boolean }>; emit(event: string): void };
	modes?: { fileMode?: number; dirMode?: number };
	afterSerialization(line: string): string;
	beforeDeserialization(line: string): string;
	persistNewStateAsync(docs: object[]): Promise<void>;
	persistCachedDatabaseAsync(): Promise<void>;
}

// NeDB's own serializer, so that the lines are exactly those NeDB would have written.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const model = require("@seald-io/nedb/lib/model") as { serialize(doc: object): string };

/** About 1 MB of lines per write: the compaction's peak stays that, whatever the collection's size. */
const CHUNK_CHARS = 1 << 20;

/**
 * NeDB's compaction (the same lines: every document, then one `$$indexCreated` line per index
 * other than `_id`), written a chunk at a time. Like NeDB: the old file and the directory are
 * flushed, the new one is written beside it (`<file>~`), flushed, renamed over it, and the directory
 * flushed again; a crash at any point leaves a complete file (NeDB's load takes `<file>~` when the
 * file itself is missing).
 */
export async function writeCompacted(persistence: NedbPersistence, filename: string): Promise<void> {
	const { db } = persistence;
	const mode = persistence.modes?.fileMode ?? 0o644;
	const dir = path.dirname(filename);
	const temp = filename + "~";
	await flush(dir, "r");
	if (fs.existsSync(filename)) await flush(filename, "r+");
	const file = await fs.promises.open(temp, "w", mode);
	try {
		let chunk = "";
		const add = async (line: string) => {
			chunk += persistence.afterSerialization(line) + "\n";
			if (chunk.length < CHUNK_CHARS) return;
			await writeAll(file, chunk);
			chunk = "";
		};
		for (const doc of db.getAllData()) await add(model.serialize(doc));
		for (const [fieldName, index] of Object.entries(db.indexes)) {
			// The _id index is made by NeDB itself on every load.
			if (fieldName !== "_id") await add(model.serialize({ $$indexCreated: { fieldName, unique: index.unique, sparse: index.sparse } }));
		}
		await writeAll(file, chunk);
		await file.sync();
	} finally {
		await file.close();
	}
	await fs.promises.rename(temp, filename);
	await flush(dir, "r");
	db.emit("compaction.done");
}

async function writeAll(file: fs.promises.FileHandle, text: string): Promise<void> {
	const bytes = Buffer.from(text, "utf8");
	for (let written = 0; written < bytes.length; ) written += (await file.write(bytes, written, bytes.length - written)).bytesWritten;
}

/** fsync; a directory some file systems cannot fsync is let be, as NeDB does. */
async function flush(name: string, flags: "r" | "r+"): Promise<void> {
	let handle: fs.promises.FileHandle | undefined;
	try {
		handle = await fs.promises.open(name, flags);
		await handle.sync();
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		if (!(flags === "r" && (code === "EISDIR" || code === "EPERM" || code === "EINVAL"))) throw err;
	} finally {
		await handle?.close();
	}
}
