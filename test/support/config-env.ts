// The environment variables lib/config.ts reads, found in its source: deployment files
// (docker-compose.yml, k8s/) may set only these, so a typo or a forgotten rename is a failing
// test instead of a setting silently ignored.
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../../lib/paths";

export function configEnvNames(): Set<string> {
	const source = fs.readFileSync(path.join(projectRoot, "lib", "config.ts"), "utf8");
	const names = new Set<string>();
	for (const m of source.matchAll(/\b[a-zA-Z]+\("([A-Z][A-Z0-9_]{2,})"/g)) names.add(m[1]);
	for (const m of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
	return names;
}
