// docker-compose.yml cannot be run here (no Docker engine); what can be checked without one is
// checked here, and .ci/run also runs `docker-compose config -q` (syntax and interpolation).
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { shopServices } from "../../services/api/routes";
import { projectRoot } from "../../lib/paths";
import { configEnvNames } from "../support/config-env";

interface ComposeService {
	image?: string;
	build?: unknown;
	command?: string[];
	environment?: Record<string, string>;
	ports?: string[];
	volumes?: string[];
	healthcheck?: { test: string[] };
	restart?: string;
	read_only?: boolean;
	depends_on?: Record<string, { condition: string }>;
}

const text = fs.readFileSync(path.join(projectRoot, "docker-compose.yml"), "utf8");
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const shopNodes = Object.entries(compose.services).filter(([, s]) => s.environment?.SERVICES);
const secretsScript = fs.readFileSync(path.join(projectRoot, "docker", "make-secrets.sh"), "utf8");

/** Where each volume is mounted in a container: "name:/path:ro" → /path. */
function mounts(s: ComposeService): Map<string, string> {
	return new Map((s.volumes ?? []).map(v => v.split(":")).map(([name, at]) => [name, at]));
}

/** Services whose store is MongoDB in production: the ones whose folder uses the store mixin or opens an adapter of it. */
const storeServices: string[] = [...shopServices, "ops"].filter(name =>
	fs.readdirSync(path.join(projectRoot, "services", name)).some(file => /DbMixin[<(]|createAdapter[<(]/.test(fs.readFileSync(path.join(projectRoot, "services", name, file), "utf8"))),
);

describe("docker-compose.yml", () => {
	it("runs every shop service, and the gateway, in a container of its own from the one image", () => {
		const running = shopNodes.map(([, s]) => s.environment?.SERVICES).sort();
		expect(running).toEqual([...shopServices, "api", "ops"].sort());
		for (const [, s] of shopNodes) expect(s.image).toBe("moleculer-shop:latest");
	});

	it("names only services that exist as services/<name>/<name>.service.ts", () => {
		for (const [, s] of shopNodes)
			for (const name of s.environment!.SERVICES.split(","))
				expect(fs.existsSync(path.join(projectRoot, "services", name, `${name}.service.ts`))).toBe(true);
	});

	it("sets on the nodes only variables lib/config.ts reads", () => {
		const known = configEnvNames();
		for (const [name, s] of shopNodes) for (const key of Object.keys(s.environment ?? {})) expect({ name, key, known: known.has(key) }).toEqual({ name, key, known: true });
	});

	it("joins every node to a NATS that demands a password, in production mode (which refuses an open transporter)", () => {
		const nats = compose.services.nats;
		expect(nats.command?.join(" ")).toContain("--config /run/secrets/nats/nats.conf");
		expect(mounts(nats).get("nats-secret")).toBe("/run/secrets/nats");
		expect(secretsScript).toMatch(/authorization \{\\n {2}user: shop\\n {2}password:/);
		for (const [name, s] of shopNodes) {
			const env = s.environment!;
			expect({ name, env: { NODE_ENV: env.NODE_ENV, TRANSPORTER: env.TRANSPORTER, NATS_USER: env.NATS_USER } }).toEqual({ name, env: { NODE_ENV: "production", TRANSPORTER: "nats://nats:4222", NATS_USER: "shop" } });
			expect(env.NATS_PASSWORD_FILE).toBe(`${mounts(s).get("nats-secret")}/password`);
			expect(s.restart).toBe("unless-stopped");
			expect(s.read_only).toBe(true);
			expect(s.depends_on?.nats.condition).toBe("service_healthy");
			expect(s.depends_on?.secrets.condition).toBe("service_completed_successfully");
		}
	});

	it("gives every file a node is told to read a volume mounted there", () => {
		for (const [name, s] of shopNodes)
			for (const [key, file] of Object.entries(s.environment ?? {}).filter(([k, v]) => k.endsWith("_FILE") && v)) {
				const dir = path.posix.dirname(file);
				expect({ name, key, mounted: [...mounts(s).values()].includes(dir) }).toEqual({ name, key, mounted: true });
			}
	});

	it("publishes only the gateway's port", () => {
		for (const [name, s] of Object.entries(compose.services)) expect({ name, ports: s.ports ?? [] }).toEqual({ name, ports: name === "gateway" ? ["${PORT:-3000}:3000"] : [] });
	});

	it("checks every node's health on its readiness endpoint, and every dependency's", () => {
		for (const [name, s] of shopNodes) expect({ name, check: s.healthcheck?.test.join(" ") }).toEqual({ name, check: expect.stringContaining("/health/ready") });
		for (const infra of ["nats", "mongo", "redis", "cache"]) expect(compose.services[infra].healthcheck).toBeDefined();
	});

	it("runs MongoDB with users: a root password from a secret, and one application user on each service's own database", () => {
		const mongo = compose.services.mongo;
		expect(mongo.environment?.MONGO_INITDB_ROOT_PASSWORD_FILE).toBe(`${mounts(mongo).get("mongo-secret")}/root-password`);
		expect(mounts(mongo).get("./k8s/base/mongo-init.js")).toMatch(/^\/docker-entrypoint-initdb\.d\//);
		const init = fs.readFileSync(path.join(projectRoot, "k8s", "base", "mongo-init.js"), "utf8");
		const granted = JSON.parse(/const services = (\[[^\]]*\])/.exec(init)![1].replace(/'/g, '"')) as string[];
		expect(granted.sort()).toEqual([...storeServices].sort());
		expect(init).toContain('role: "readWrite", db: `shop-${service}`');
		for (const [name, s] of shopNodes.filter(([, s]) => storeServices.includes(s.environment!.SERVICES))) {
			expect({ name, uri: s.environment?.MONGO_URI_FILE }).toEqual({ name, uri: `${mounts(s).get("mongo-secret")}/uri` });
		}
		expect(secretsScript).toContain("mongodb://shop:%s@mongo:27017/?authSource=admin");
	});

	it("bounds both Redis: carts never evicted (noeviction, kept on disk), the cache evicted least recently used", () => {
		const carts = compose.services.redis.command!.join(" ");
		expect(carts).toMatch(/--maxmemory \S+ --maxmemory-policy noeviction --appendonly yes/);
		const cache = compose.services.cache.command!.join(" ");
		expect(cache).toMatch(/--maxmemory \S+ --maxmemory-policy allkeys-lru/);
		for (const [, s] of shopNodes) expect(s.environment?.CACHER).toBe("redis://cache:6379");
		expect(compose.services.cart.depends_on?.redis.condition).toBe("service_healthy");
	});

	it("keeps secrets out of the file; the token key readable by the app user only, mounted only where tokens are made or checked", () => {
		expect(text).not.toMatch(/JWT_SECRET:|NATS_PASSWORD:\s*\S+[^}]$|MONGO_URI:/m);
		const withJwt = shopNodes.filter(([, s]) => mounts(s).has("jwt-secret")).map(([, s]) => s.environment!.SERVICES);
		expect(withJwt.sort()).toEqual(["api", "cart", "users"]);
		for (const [, s] of shopNodes.filter(([, s]) => mounts(s).has("jwt-secret"))) expect(s.environment?.JWT_SECRET_FILE).toBe(`${mounts(s).get("jwt-secret")}/jwt`);
		expect(secretsScript).toMatch(/chown "\$APP" \/secrets\/jwt\/jwt && chmod 400 \/secrets\/jwt\/jwt/);
		expect(secretsScript).toMatch(/umask 077/);
	});

	it("requires ADMIN_PASSWORD and says what to set", () => {
		expect(compose.services.users.environment?.ADMIN_PASSWORD).toMatch(/^\$\{ADMIN_PASSWORD:\?Set ADMIN_PASSWORD.+\}$/);
	});
});
