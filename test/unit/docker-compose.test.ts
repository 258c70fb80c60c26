// docker-compose.yml cannot be run here (no Docker engine); what can be checked without one is
// checked here, and .ci/run also runs `docker-compose config` where that command exists.
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { shopServices } from "../../services/api/routes";
import { projectRoot } from "../../lib/paths";

interface ComposeService {
	image?: string;
	build?: unknown;
	environment?: Record<string, string>;
	ports?: string[];
	healthcheck?: { test: string[] };
	restart?: string;
	depends_on?: Record<string, { condition: string }>;
}

const compose = parse(fs.readFileSync(path.join(projectRoot, "docker-compose.yml"), "utf8"), { merge: true }) as {
	services: Record<string, ComposeService>;
};
const shopNodes = Object.entries(compose.services).filter(([, s]) => s.environment?.SERVICES);

describe("docker-compose.yml", () => {
	it("runs every shop service, and the gateway, in a container of its own from the one image", () => {
		const running = shopNodes.map(([, s]) => s.environment?.SERVICES).sort();
		expect(running).toEqual([...shopServices, "api"].sort());
		for (const [, s] of shopNodes) expect(s.image).toBe("moleculer-shop:latest");
	});

	it("names only services that exist as services/<name>/<name>.service.ts", () => {
		for (const [, s] of shopNodes)
			for (const name of s.environment!.SERVICES.split(","))
				expect(fs.existsSync(path.join(projectRoot, "services", name, `${name}.service.ts`))).toBe(true);
	});

	it("joins every node to NATS and MongoDB, restarts it, and starts it after its dependencies are healthy", () => {
		for (const [name, s] of shopNodes) {
			expect({ name, transporter: s.environment?.TRANSPORTER }).toEqual({ name, transporter: "nats://nats:4222" });
			expect(s.environment?.MONGO_URI).toBe("mongodb://mongo:27017");
			expect(s.restart).toBe("unless-stopped");
			expect(s.depends_on?.nats.condition).toBe("service_healthy");
			expect(s.depends_on?.mongo.condition).toBe("service_healthy");
		}
	});

	it("publishes the gateway's port and checks its health over HTTP", () => {
		const gateway = compose.services.gateway;
		expect(gateway.ports).toEqual(["${PORT:-3000}:3000"]);
		expect(gateway.healthcheck?.test.join(" ")).toContain("/api/health");
		for (const infra of ["nats", "mongo", "redis"]) expect(compose.services[infra].healthcheck).toBeDefined();
	});

	it("keeps secrets out of the file", () => {
		const text = fs.readFileSync(path.join(projectRoot, "docker-compose.yml"), "utf8");
		expect(text).not.toMatch(/JWT_SECRET:/);
		for (const [, s] of shopNodes) expect(s.environment?.JWT_SECRET_FILE).toBe("/run/shop-secrets/jwt");
	});
});
