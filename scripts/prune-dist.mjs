// Before each build: removes what dist/ holds for sources that no longer exist (a moved or deleted
// file). tsc's incremental build never deletes an output, and moleculer-runner loads every
// dist/services/**/*.service.js it finds: a stale copy would start a service twice.
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, "dist");

function sourceOf(output) {
	const relative = path.relative(dist, output).replace(/\.js(\.map)?$/, "");
	return [".ts", ".js"].map(ext => path.join(root, relative + ext));
}

function prune(dir) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			prune(full);
			if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
		} else if (/\.js(\.map)?$/.test(entry.name) && !sourceOf(full).some(source => fs.existsSync(source))) {
			fs.rmSync(full);
		}
	}
}

if (fs.existsSync(dist)) prune(dist);
