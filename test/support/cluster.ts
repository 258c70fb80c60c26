// Real shop nodes as separate processes on NATS, started the way a user starts them
// (moleculer-runner on the built dist/), in a namespace of their own so runs never meet.
// Every process is killed when the cluster stops, and when the test process exits.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceBroker } from "moleculer";
import brokerConfig from "../../moleculer.config";
import { projectRoot } from "../../lib/paths";
import { freePort, sharedNatsUrl } from "./nats";

const RUNNER = path.join(projectRoot, "node_modules", "moleculer", "bin", "moleculer-runner.js");
const DIST = path.join(projectRoot, "dist");
// From the source tree, so that a script built into dist/ finds it too.
const DIE_WITH_PARENT = path.join(projectRoot, "test", "support", "die-with-parent.js");
const LOG_LIMIT = 200_000;

const everyChild = new Set<ChildProcess>();
process.once("exit", () => everyChild.forEach(child => child.kill("SIGKILL")));

export interface NodeSpec {
	/** Service names to run on this node, as in SERVICES. */
	services: string[];
	/** Extra environment, e.g. knobs for latency or failures. */
	env?: Record<string, string>;
}

export class ShopNode {
	process: ChildProcess | null = null;
	port = 0;
	private output = "";

	constructor(
		readonly name: string,
		readonly nodeID: string,
		readonly spec: NodeSpec,
	) {}

	get running(): boolean {
		return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
	}

	/** What the node printed, for a failing test's message. */
	logs(): string {
		return this.output;
	}

	append(chunk: Buffer): void {
		this.output = (this.output + chunk.toString()).slice(-LOG_LIMIT);
	}
}

/** A gateway node and three service nodes, by name. */
export const SHOP_LAYOUT: Record<string, string[]> = {
	gw: ["api"],
	catalog: ["products", "inventory", "currency", "recommendations"],
	accounts: ["users", "cart"],
	checkout: ["orders", "payments", "shipping", "notifications"],
};

export class TestCluster {
	readonly namespace = `test-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
	readonly natsUrl: string;
	readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shop-cluster-"));
	readonly observer: ServiceBroker;
	private readonly nodes = new Map<string, ShopNode>();

	/** `natsUrl`: a NATS of the test's own (one it stops and starts); by default the tier's shared one. */
	constructor(natsUrl = sharedNatsUrl()) {
		this.natsUrl = natsUrl;
		fs.mkdirSync(path.join(DIST, "services"), { recursive: true });
		if (!fs.existsSync(path.join(DIST, "moleculer.config.js"))) throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
		// The test's own eyes and hands in the cluster: runs no service, calls any.
		this.observer = new ServiceBroker({
			...brokerConfig,
			namespace: this.namespace,
			nodeID: `${this.namespace}-observer`,
			transporter: this.natsUrl as never,
			metrics: { enabled: false },
			logger: false,
		});
	}

	/**
	 * The whole shop as a gateway and three service nodes (the layout the deploy tests restart),
	 * started at once; resolves with the gateway's /api once /api/health/ready says ready.
	 */
	async startShop(layout: Record<string, string[]> = SHOP_LAYOUT): Promise<string> {
		await Promise.all(Object.entries(layout).map(([name, services]) => this.startNode(name, { services })));
		const api = `${this.url("gw")}/api`;
		await this.waitFor(async () => (await fetch(`${api}/health/ready`).catch(() => null))?.status === 200, 30_000, "the shop to be ready");
		return api;
	}

	async start(): Promise<void> {
		await this.observer.start();
	}

	/** Starts a node process and resolves once the observer sees all of its services. */
	async startNode(name: string, spec: NodeSpec): Promise<ShopNode> {
		const node = new ShopNode(name, `${this.namespace}-${name}`, spec);
		this.nodes.set(name, node);
		await this.launch(node);
		return node;
	}

	/** Whether a node of that name was ever started here. */
	hasNode(name: string): boolean {
		return this.nodes.has(name);
	}

	node(name: string): ShopNode {
		const node = this.nodes.get(name);
		if (!node) throw new Error(`No node named ${name}`);
		return node;
	}

	/** The gateway's base URL on node `name`. */
	url(name: string): string {
		return `http://127.0.0.1:${this.node(name).port}`;
	}

	/** kill -9: no goodbye to the cluster, as when a machine dies. */
	kill(name: string): void {
		const node = this.node(name);
		node.process?.kill("SIGKILL");
	}

	/** Starts a killed or stopped node again with the same id, port and data. */
	async restart(name: string): Promise<ShopNode> {
		const node = this.node(name);
		if (node.running) await this.stopNode(name);
		await this.launch(node);
		return node;
	}

	/** A graceful stop (SIGTERM), as in a rolling deploy. */
	async stopNode(name: string): Promise<void> {
		const node = this.node(name);
		const child = node.process;
		if (!child || !node.running) return;
		const exited = new Promise<void>(resolve => child.once("exit", () => resolve()));
		child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
		await exited;
		clearTimeout(timer);
	}

	async stop(): Promise<void> {
		await Promise.all([...this.nodes.keys()].map(name => this.stopNode(name).catch(() => undefined)));
		await this.observer.stop().catch(() => undefined);
		fs.rmSync(this.dataDir, { recursive: true, force: true });
	}

	/** Polls until `check` passes or `timeoutMs` runs out; returns how long it took. */
	async waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
		const started = Date.now();
		while (!(await check())) {
			if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
			await new Promise(r => setTimeout(r, 100));
		}
		return Date.now() - started;
	}

	private async launch(node: ShopNode): Promise<void> {
		if (!node.port) node.port = await freePort();
		const before = this.instanceOf(node.nodeID);
		const child = spawn(process.execPath, ["-r", DIE_WITH_PARENT, RUNNER, "--config", path.join(DIST, "moleculer.config.js")], {
			cwd: projectRoot,
			env: {
				...process.env,
				NODE_ENV: "test",
				SERVICEDIR: path.join(DIST, "services"),
				SERVICES: node.spec.services.join(","),
				TRANSPORTER: this.natsUrl,
				NAMESPACE: this.namespace,
				NODE_ID: node.nodeID,
				PORT: String(node.port),
				DATA_DIR: path.join(this.dataDir, node.name),
				METRICS_PORT: "0",
				LOG_LEVEL: process.env.TEST_NODE_LOG_LEVEL ?? "warn",
				RATE_LIMIT: "0",
				SIGNUP_LIMIT: "0",
				...node.spec.env,
			},
			stdio: ["ignore", "pipe", "pipe"],
		});
		node.process = child;
		everyChild.add(child);
		child.once("exit", () => everyChild.delete(child));
		child.stdout?.on("data", (c: Buffer) => node.append(c));
		child.stderr?.on("data", (c: Buffer) => node.append(c));

		try {
			await this.waitFor(
				() => {
					if (child.exitCode !== null) throw new Error(`Node ${node.name} exited with ${child.exitCode}:\n${node.logs()}`);
					const info = this.observer.registry.nodes.get(node.nodeID) as unknown as { available: boolean; instanceID: string; services?: { name: string }[] } | undefined;
					if (!info?.available || info.instanceID === before) return false;
					const names = new Set((info.services ?? []).map(s => s.name));
					return node.spec.services.every(s => names.has(s));
				},
				30_000,
				`node ${node.name} (${node.spec.services.join(",")}) to join`,
			);
		} catch (err) {
			child.kill("SIGKILL");
			throw new Error(`${(err as Error).message}\n--- ${node.name} output ---\n${node.logs()}`);
		}
	}

	private instanceOf(nodeID: string): string | undefined {
		return (this.observer.registry.nodes.get(nodeID) as { instanceID?: string } | undefined)?.instanceID;
	}
}
