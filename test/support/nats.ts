// Finds a NATS server for the cluster tests: NATS_URL, else the local default, else a
// `nats-server` binary started here. Never skips: without NATS the run fails and says why.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

function hostPort(url: string): { host: string; port: number } {
	const u = new URL(url);
	return { host: u.hostname, port: Number(u.port || 4222) };
}

export function canConnect(url: string, timeoutMs = 1_000): Promise<boolean> {
	const { host, port } = hostPort(url);
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

/** Returns a NATS URL that answers, and the server process when this function had to start one. */
export async function findOrStartNats(): Promise<{ url: string; server: ChildProcess | null }> {
	if (process.env.NATS_URL) {
		if (await canConnect(process.env.NATS_URL)) return { url: process.env.NATS_URL, server: null };
		throw new Error(`NATS_URL=${process.env.NATS_URL} does not answer. Start that server or unset NATS_URL.`);
	}
	if (await canConnect(DEFAULT_NATS_URL)) return { url: DEFAULT_NATS_URL, server: null };

	const port = await freePort();
	const server = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
	const started = await new Promise<boolean>(resolve => {
		server.once("error", () => resolve(false));
		const deadline = Date.now() + 5_000;
		const poll = async () => {
			if (await canConnect(`nats://127.0.0.1:${port}`, 200)) return resolve(true);
			if (Date.now() > deadline || server.exitCode !== null) return resolve(false);
			setTimeout(poll, 100);
		};
		void poll();
	});
	if (!started) {
		server.kill();
		throw new Error(
			"The cluster tests need a NATS server and none was found: not at NATS_URL, not at " +
				`${DEFAULT_NATS_URL}, and no 'nats-server' binary on PATH. Install one ` +
				"(Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server) or set NATS_URL.",
		);
	}
	return { url: `nats://127.0.0.1:${port}`, server };
}
