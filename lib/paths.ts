// Where the project's own files are, whether running from the TypeScript sources or from dist/.
import fs from "node:fs";
import path from "node:path";

function findRoot(from: string): string {
	let dir = from;
	while (!fs.existsSync(path.join(dir, "package.json"))) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`No package.json above ${from}`);
		dir = parent;
	}
	return dir;
}

export const projectRoot = findRoot(__dirname);
export const publicDir = path.join(projectRoot, "public");
