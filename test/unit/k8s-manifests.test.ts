// The Kubernetes manifests (k8s/, kustomize), rendered as an operator would apply them:
// `kubectl kustomize k8s/overlays/example`, or test/support/kustomize.ts's reader where kubectl
// is absent. Every workload has probes, requests and limits, runs as non-root on a read-only
// root file system; every shop node runs one service from the one image, is probed on its
// health endpoints and is given only variables lib/config.ts reads, and files that exist.
import path from "node:path";
import { projectRoot } from "../../lib/paths";
import { shopServices } from "../../services/api/routes";
import { configEnvNames } from "../support/config-env";
import { kubectlAvailable, kubectlKustomize, renderKustomization, renderOverlay, type K8sObject } from "../support/kustomize";

const OVERLAY = path.join(projectRoot, "k8s", "overlays", "example");
const { objects, by } = renderOverlay(OVERLAY);

const ofKind = (kind: string) => objects.filter(o => o.kind === kind);
const named = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name);
const workloads = [...ofKind("Deployment"), ...ofKind("StatefulSet")];
const podOf = (w: K8sObject) => w.spec.template.spec;
const isShopNode = (w: K8sObject) => podOf(w).containers.some((c: any) => String(c.image).includes("moleculer-shop"));
const shopNodes = ofKind("Deployment").filter(isShopNode);
const nodeContainer = (w: K8sObject) => podOf(w).containers[0];
const envOf = (c: any): Record<string, any> => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e]));
const servicesOf = (w: K8sObject) => envOf(nodeContainer(w)).SERVICES.value as string;
const shopConfig = () => ofKind("ConfigMap").find(c => (nodeContainer(shopNodes[0]).envFrom ?? []).some((f: any) => f.configMapRef?.name === c.metadata.name))!;

describe(`k8s/overlays/example rendered by ${by}`, () => {
	it("renders the objects a shop needs", () => {
		for (const kind of ["Namespace", "ConfigMap", "Secret", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) expect({ kind, count: ofKind(kind).length > 0 }).toEqual({ kind, count: true });
		expect(ofKind("StatefulSet").map(s => s.metadata.name).sort()).toEqual(["mongo", "redis"]);
		for (const o of objects.filter(o => o.kind !== "Namespace")) expect({ name: o.metadata.name, ns: o.metadata.namespace }).toEqual({ name: o.metadata.name, ns: "shop" });
	});

	it("runs one Deployment per service, and the gateway, all from the one image", () => {
		expect(shopNodes.map(servicesOf).sort()).toEqual([...shopServices, "api", "ops"].sort());
		expect(new Set(shopNodes.map(w => nodeContainer(w).image)).size).toBe(1);
		expect(nodeContainer(shopNodes[0]).image).toBe("registry.example.com/moleculer-shop:0.1.0");
	});

	it("gives every workload liveness and readiness probes, requests and limits", () => {
		for (const w of workloads)
			for (const c of podOf(w).containers) {
				const where = `${w.kind}/${w.metadata.name}/${c.name}`;
				expect({ where, liveness: !!c.livenessProbe, readiness: !!c.readinessProbe }).toEqual({ where, liveness: true, readiness: true });
				for (const bound of ["requests", "limits"]) for (const res of ["cpu", "memory"]) expect({ where, bound, res, set: c.resources?.[bound]?.[res] !== undefined }).toEqual({ where, bound, res, set: true });
			}
	});

	it("runs every workload as non-root, read-only root file system, no privilege escalation, with writable volumes where needed", () => {
		for (const w of workloads) {
			const pod = podOf(w);
			expect({ w: w.metadata.name, nonRoot: pod.securityContext?.runAsNonRoot, uid: pod.securityContext?.runAsUser > 0 }).toEqual({ w: w.metadata.name, nonRoot: true, uid: true });
			expect(pod.automountServiceAccountToken).toBe(false);
			for (const c of pod.containers) {
				expect({ w: w.metadata.name, ro: c.securityContext?.readOnlyRootFilesystem, esc: c.securityContext?.allowPrivilegeEscalation, drop: c.securityContext?.capabilities?.drop }).toEqual({ w: w.metadata.name, ro: true, esc: false, drop: ["ALL"] });
			}
		}
		for (const w of shopNodes) {
			const writable = new Set((podOf(w).volumes ?? []).filter((v: any) => v.emptyDir).map((v: any) => v.name));
			const mounted = (nodeContainer(w).volumeMounts ?? []).filter((m: any) => writable.has(m.name)).map((m: any) => m.mountPath);
			expect({ w: w.metadata.name, mounted: mounted.sort() }).toEqual({ w: w.metadata.name, mounted: ["/app/data", "/tmp"] });
		}
	});

	it("probes every shop node on its health endpoints, on the port METRICS_PORT names", () => {
		const port = Number(shopConfig().data!.METRICS_PORT);
		for (const w of shopNodes) {
			const c = nodeContainer(w);
			const health = c.ports.find((p: any) => p.name === "health");
			expect({ w: w.metadata.name, port: health?.containerPort }).toEqual({ w: w.metadata.name, port });
			expect(c.livenessProbe.httpGet).toEqual({ path: "/health/live", port: "health" });
			expect(c.readinessProbe.httpGet).toEqual({ path: "/health/ready", port: "health" });
		}
	});

	it("sets on the shop nodes only variables lib/config.ts reads", () => {
		const known = configEnvNames();
		const fromConfigMap = Object.keys(shopConfig().data!);
		for (const key of fromConfigMap) expect({ key, known: known.has(key) }).toEqual({ key, known: true });
		for (const w of shopNodes) for (const key of Object.keys(envOf(nodeContainer(w)))) expect({ w: w.metadata.name, key, known: known.has(key) }).toEqual({ w: w.metadata.name, key, known: true });
	});

	it("gives every *_FILE a mounted secret that holds it; the token key only to the gateway and users", () => {
		const secrets = new Map(ofKind("Secret").map(s => [s.metadata.name, s]));
		for (const w of shopNodes) {
			const c = nodeContainer(w);
			for (const [key, e] of Object.entries(envOf(c)).filter(([k]) => k.endsWith("_FILE"))) {
				const file = e.value as string;
				const mount = c.volumeMounts.find((m: any) => m.mountPath === path.posix.dirname(file));
				const volume = podOf(w).volumes.find((v: any) => v.name === mount?.name);
				const secret = secrets.get(volume?.secret?.secretName);
				const item = volume?.secret?.items?.find((i: any) => i.path === path.posix.basename(file));
				expect({ w: w.metadata.name, key, found: !!secret && !!item && secret.data?.[item.key] !== undefined }).toEqual({ w: w.metadata.name, key, found: true });
			}
		}
		expect(shopNodes.filter(w => envOf(nodeContainer(w)).JWT_SECRET_FILE).map(servicesOf).sort()).toEqual(["api", "cart", "users"]);
		for (const w of workloads)
			for (const ref of JSON.stringify(podOf(w)).matchAll(/"secretName":"([^"]+)"|"secretKeyRef":\{"name":"([^"]+)"/g)) expect(secrets.has(ref[1] ?? ref[2])).toBe(true);
	});

	it("joins the nodes to a NATS that demands a password, in production mode", () => {
		const data = shopConfig().data!;
		expect(data).toMatchObject({ NODE_ENV: "production", TRANSPORTER: "nats://nats:4222", NATS_USER: expect.any(String) });
		for (const w of shopNodes) expect(envOf(nodeContainer(w)).NATS_PASSWORD_FILE).toBeDefined();
		const natsConf = ofKind("ConfigMap").find(c => c.data?.["nats.conf"])!.data!["nats.conf"];
		expect(natsConf).toMatch(/authorization \{\s*user: \$NATS_USER\s*password: \$NATS_PASSWORD\s*\}/);
		expect(envOf(podOf(named("Deployment", "nats")!).containers[0]).NATS_PASSWORD.valueFrom.secretKeyRef).toBeDefined();
	});

	it("exposes only the gateway, through a Service and an Ingress", () => {
		const ingress = ofKind("Ingress");
		expect(ingress).toHaveLength(1);
		const backend = ingress[0].spec.rules[0].http.paths[0].backend.service;
		const service = named("Service", backend.name)!;
		expect(service.spec.selector).toEqual(named("Deployment", "gateway")!.spec.selector.matchLabels);
		expect(nodeContainer(named("Deployment", "gateway")!).ports.some((p: any) => p.name === service.spec.ports[0].targetPort)).toBe(true);
		for (const s of ofKind("Service")) expect({ name: s.metadata.name, type: s.spec.type ?? "ClusterIP" }).toEqual({ name: s.metadata.name, type: "ClusterIP" });
	});

	it("lets nothing reach a pod unless a policy allows it: the shop's pods each other, the world only the gateway's HTTP port", () => {
		const policies = ofKind("NetworkPolicy");
		expect(policies.some(p => Object.keys(p.spec.podSelector).length === 0 && p.spec.policyTypes.includes("Ingress") && !p.spec.ingress)).toBe(true);
		for (const w of workloads) expect({ w: w.metadata.name, partOf: w.spec.template.metadata.labels["app.kubernetes.io/part-of"] }).toEqual({ w: w.metadata.name, partOf: "moleculer-shop" });
		const open = policies.flatMap(p => (p.spec.ingress ?? []).filter((rule: any) => !rule.from).map((rule: any) => ({ pods: p.spec.podSelector.matchLabels, ports: rule.ports })));
		expect(open).toEqual([{ pods: { "app.kubernetes.io/name": "gateway" }, ports: [{ port: "http" }] }]);
	});

	it("scales the stateless services, each with a disruption budget that keeps one pod", () => {
		const pdbs = ofKind("PodDisruptionBudget");
		for (const hpa of ofKind("HorizontalPodAutoscaler")) {
			const target = named("Deployment", hpa.spec.scaleTargetRef.name)!;
			expect(target).toBeDefined();
			expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
			const pdb = pdbs.find(p => JSON.stringify(p.spec.selector.matchLabels) === JSON.stringify(target.spec.selector.matchLabels));
			expect({ target: target.metadata.name, pdb: pdb?.spec.maxUnavailable }).toEqual({ target: target.metadata.name, pdb: 1 });
		}
		const scaled = ofKind("HorizontalPodAutoscaler").map(h => servicesOf(named("Deployment", h.spec.scaleTargetRef.name)!));
		expect(scaled).toEqual(expect.arrayContaining(["api", "products"]));
	});

	it("bounds Redis: carts never evicted and kept on disk, the cache least recently used", () => {
		const carts = podOf(named("StatefulSet", "redis")!).containers[0].args.join(" ");
		expect(carts).toMatch(/--maxmemory \S+ --maxmemory-policy noeviction --appendonly yes/);
		const cache = podOf(named("Deployment", "cache")!).containers[0].args.join(" ");
		expect(cache).toMatch(/--maxmemory \S+ --maxmemory-policy allkeys-lru/);
		expect(shopConfig().data!.CACHER).toBe("redis://cache:6379");
	});
});

describe("the fallback renderer (used where kubectl is absent)", () => {
	it(kubectlAvailable() ? "renders the same objects as kubectl" : "renders every resource of the overlay", () => {
		const ours = renderKustomization(OVERLAY).map(o => `${o.kind}/${o.metadata.name}`).sort();
		if (!kubectlAvailable()) return expect(ours.length).toBeGreaterThan(30);
		// kubectl suffixes generated names with a hash of their content.
		const theirs = kubectlKustomize(OVERLAY).map(o => `${o.kind}/${o.kind === "Secret" || o.kind === "ConfigMap" ? o.metadata.name.replace(/-[a-z0-9]{10}$/, "") : o.metadata.name}`).sort();
		expect(ours).toEqual(theirs);
	});
});
