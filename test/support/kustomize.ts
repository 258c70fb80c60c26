// Renders a kustomize directory: with `kubectl kustomize` when kubectl is on this machine,
// else with a small reader of our own (renderKustomization) that understands what k8s/ uses:
// resources (files and directories), namespace, images, and config map / secret generators
// from literals and files. It exists so the manifest tests run where kubectl cannot be
// installed (Debian ships none recent enough); it is not a kustomize.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export interface K8sObject {
	apiVersion: string;
	kind: string;
	metadata: { name: string; namespace?: string; labels?: Record<string, string> };
	data?: Record<string, string>;
	spec?: any;
	[key: string]: unknown;
}

export function kubectlAvailable(): boolean {
	return spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;
}

export function parseManifests(text: string): K8sObject[] {
	return parseAllDocuments(text)
		.map(d => d.toJS() as K8sObject | null)
		.filter((o): o is K8sObject => o !== null && typeof o === "object");
}

export function kubectlKustomize(dir: string): K8sObject[] {
	return parseManifests(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }));
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"]);

interface Kustomization {
	resources?: string[];
	namespace?: string;
	images?: { name: string; newName?: string; newTag?: string }[];
	configMapGenerator?: Generator[];
	secretGenerator?: Generator[];
}
interface Generator {
	name: string;
	literals?: string[];
	files?: string[];
}

function generate(dir: string, kind: "ConfigMap" | "Secret", gen: Generator): K8sObject {
	const data: Record<string, string> = {};
	for (const literal of gen.literals ?? []) {
		const at = literal.indexOf("=");
		data[literal.slice(0, at)] = literal.slice(at + 1);
	}
	for (const file of gen.files ?? []) {
		const [key, source] = file.includes("=") ? file.split("=") : [path.basename(file), file];
		data[key] = fs.readFileSync(path.join(dir, source), "utf8");
	}
	const encoded = kind === "Secret" ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])) : data;
	return { apiVersion: "v1", kind, metadata: { name: gen.name }, data: encoded };
}

function setImages(value: unknown, images: NonNullable<Kustomization["images"]>): void {
	if (Array.isArray(value)) return value.forEach(v => setImages(v, images));
	if (!value || typeof value !== "object") return;
	const obj = value as Record<string, unknown>;
	if (typeof obj.image === "string") {
		const [name, tag] = obj.image.split(":");
		const rule = images.find(i => i.name === name);
		if (rule) obj.image = `${rule.newName ?? name}:${rule.newTag ?? tag ?? "latest"}`;
	}
	Object.values(obj).forEach(v => setImages(v, images));
}

export function renderKustomization(dir: string): K8sObject[] {
	const k = parseManifests(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8"))[0] as unknown as Kustomization;
	const objects: K8sObject[] = [];
	for (const resource of k.resources ?? []) {
		const at = path.join(dir, resource);
		objects.push(...(fs.statSync(at).isDirectory() ? renderKustomization(at) : parseManifests(fs.readFileSync(at, "utf8"))));
	}
	for (const gen of k.configMapGenerator ?? []) objects.push(generate(dir, "ConfigMap", gen));
	for (const gen of k.secretGenerator ?? []) objects.push(generate(dir, "Secret", gen));
	if (k.namespace) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
	if (k.images) setImages(objects, k.images);
	return objects;
}

/** kubectl's rendering when kubectl is here, ours otherwise; says which. */
export function renderOverlay(dir: string): { objects: K8sObject[]; by: "kubectl" | "fallback" } {
	return kubectlAvailable() ? { objects: kubectlKustomize(dir), by: "kubectl" } : { objects: renderKustomization(dir), by: "fallback" };
}
