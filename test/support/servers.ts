// Finds a server a tier of tests needs (NATS, Redis): the URL in its environment variable, else
// the local default, else its binary started here on a free port. Never skips: without one the
// run fails and says how to get one.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export interface ServerSpec {
	/** "NATS", "Redis": for messages. */
	what: string;
	envVar: string;
	defaultUrl: string;
	scheme: string;
	/** The binary and its arguments for a server on `port`, bound to loopback. */
	command(port: number): [string, string[]];
	/** How to install one, for the failure message. */
	install: string;
}

function hostPort(url: string, fallbackPort: number): { host: string; port: number } {
	const u = new URL(url);
	return { host: u.hostname, port: Number(u.port || fallbackPort) };
}

export function canConnect(url: string, timeoutMs = 1_000): Promise<boolean> {
	const { host, port } = hostPort(url, url.startsWith("redis") ? 6379 : 4222);
	return new Promise(resolve => {
		const socket = net.connect({ host, port });
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once("connect", () => done(true));
		socket.once("error", () => done(false));
	});
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** A URL that answers, and the server process when this function had to start one. */
export async function findOrStartServer(spec: ServerSpec): Promise<{ url: string; server: ChildProcess | null }> {
	const configured = process.env[spec.envVar];
	if (configured) {
		if (await canConnect(configured)) return { url: configured, server: null };
		throw new Error(`${spec.envVar}=${configured} does not answer. Start that server or unset ${spec.envVar}.`);
	}
	if (await canConnect(spec.defaultUrl)) return { url: spec.defaultUrl, server: null };

	const port = await freePort();
	const [binary, args] = spec.command(port);
	const url = `${spec.scheme}://127.0.0.1:${port}`;
	const server = await startServer(binary, args, url, 5_000).catch(() => {
		throw new Error(
			`These tests need a ${spec.what} server and none was found: not at ${spec.envVar}, not at ${spec.defaultUrl}, ` +
				`and no '${binary}' binary on PATH. Install one (${spec.install}) or set ${spec.envVar}.`,
		);
	});
	return { url, server };
}

/**
 * Starts `binary` with `args` and resolves once `url` answers. Rejects saying why (the binary is
 * not there, it exited, no answer within `timeoutMs`), with the process killed.
 */
export async function startServer(binary: string, args: string[], url: string, timeoutMs: number): Promise<ChildProcess> {
	const server = spawn(binary, args, { stdio: "ignore" });
	let spawnError: Error | null = null;
	server.once("error", err => (spawnError = err));
	const deadline = Date.now() + timeoutMs;
	while (!(await canConnect(url, 200))) {
		const why = spawnError
			? (spawnError as Error).message
			: server.exitCode !== null
				? `exited with ${server.exitCode}`
				: Date.now() > deadline
					? `no answer within ${timeoutMs / 1000} s`
					: null;
		if (why) {
			server.kill();
			throw new Error(why);
		}
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	return server;
}
