// A disk filling up, for the tests of what the file writers do then: the next write to any file
// takes `keep` bytes, the one after it fails with ENOSPC, and every write after that succeeds.
import fs from "node:fs";

export function diskFullAfter(keep: number): jest.SpyInstance {
	const real = fs.writeSync;
	let state: "fresh" | "partly written" | "failed" = keep > 0 ? "fresh" : "partly written";
	return jest.spyOn(fs, "writeSync").mockImplementation(((fd: number, buffer: Buffer, offset: number, length: number) => {
		if (state === "failed") return real(fd, buffer, offset, length);
		if (state === "fresh") {
			state = "partly written";
			return real(fd, buffer, offset, Math.min(keep, length));
		}
		state = "failed";
		throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
	}) as typeof fs.writeSync);
}
