// The Appender under failure: a write that fails half-way leaves nothing of itself in the file, a
// failed write fails only the callers whose text was in it, and a file moved aside (rotated) gets
// its next writes in a new file by the same name.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Appender } from "../../lib/store/appender";
import { NedbStore } from "../../lib/store/nedb-adapter";
import { diskFullAfter } from "../support/disk-full";

let dir: string;
let file: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), "appender-"));
	file = path.join(dir, "log.txt");
});
afterEach(() => {
	jest.restoreAllMocks();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe("Appender", () => {
	it("cuts a write that failed half-way back out of the file, and writes the next one whole", async () => {
		const appender = new Appender(file);
		appender.push("first line\n");
		await appender.settled();

		diskFullAfter(5);
		appender.push("second line, cut short by a full disk\n");
		await expect(appender.settled()).rejects.toThrow(/ENOSPC/);
		expect(fs.readFileSync(file, "utf8")).toBe("first line\n");

		appender.push("third line\n");
		await appender.settled();
		expect(fs.readFileSync(file, "utf8")).toBe("first line\nthird line\n");
		await appender.close();
	});

	it("ends a line a crash cut short before its first write, so that the write is not glued to it", async () => {
		fs.writeFileSync(file, "whole line\nhalf a li");
		const appender = new Appender(file);
		appender.push("next line\n");
		await appender.settled();
		expect(fs.readFileSync(file, "utf8")).toBe("whole line\nhalf a li\nnext line\n");
		await appender.close();
	});

	it("holds no descriptor of a file it could not end the cut-short line of, and ends it at the next write", async () => {
		fs.writeFileSync(file, "half a li");
		const appender = new Appender(file);
		// Descriptors this process holds on the file (Linux's /proc; the listing's own is gone by the time it is read).
		const target = (fd: string) => {
			try {
				return fs.readlinkSync(`/proc/self/fd/${fd}`, { encoding: "utf8" });
			} catch {
				return null;
			}
		};
		const held = () => fs.readdirSync("/proc/self/fd").filter(fd => target(fd) === file).length;
		diskFullAfter(0);
		appender.push("next line\n");
		await expect(appender.settled()).rejects.toThrow(/ENOSPC/);
		expect(held()).toBe(0);
		appender.push("next line\n");
		await appender.settled();
		expect(fs.readFileSync(file, "utf8")).toBe("half a li\nnext line\n");
		await appender.close();
	});

	it("starts a new file when the one it holds open was moved aside (rotated), if asked to", async () => {
		const appender = new Appender(file, { followRenames: true });
		appender.push("before\n");
		await appender.settled();
		fs.renameSync(file, `${file}.1`);
		appender.push("after\n");
		await appender.settled();
		expect(fs.readFileSync(`${file}.1`, "utf8")).toBe("before\n");
		expect(fs.readFileSync(file, "utf8")).toBe("after\n");
		await appender.close();
	});
});

describe("a NeDB store after a failed write", () => {
	it("fails that write, and not the reads after it", async () => {
		const store = new NedbStore<{ _id: string; n: number }>(path.join(dir, "items.db"));
		await store.connect();
		try {
			await store.insert({ _id: "a", n: 1 });
			diskFullAfter(0);
			await expect(store.insert({ _id: "b", n: 2 })).rejects.toThrow(/ENOSPC/);
			expect((await store.find({ query: { n: 1 } })).map(d => d._id)).toEqual(["a"]);
		} finally {
			await store.disconnect();
		}
	});
});
