// Moleculer's counter, gauge and histogram, with the same figures at a fraction of the cost per
// update. Every action call updates 5 metrics (9 with the bulkhead, 12 for a cached read), and a
// signed-in cart read is 4 calls: the updates cost more CPU than all of the shop's own code.
// What was slow, measured on a gateway under load:
// - every update built its label set's key as a new string (an array of parts, joined), which the
//   values Map then hashed; a gauge's increment and decrement did it twice (get, then set). The
//   keys are now found again through the label values (LabelKeys), each key string made once;
// - a histogram counted each observation in buckets kept as an object keyed by bound (1 … 10000),
//   a sparse, slow object; it now counts by bucket position and writes the object when read.
// Registered under Moleculer's own type names (MetricTypes.register), before any broker is made,
// so that Moleculer's metrics, the bulkhead's, the cacher's and the shop's own all use them.
import { MetricTypes } from "moleculer";

type Labels = Record<string, unknown> | null | undefined;

interface MetricInternals {
	labelNames: string[];
}

/** The same key as Moleculer's `hashingLabels` (values in labelNames order, strings quoted, joined by "|"). */
export function labelKey(labelNames: readonly string[], labels: Labels): string {
	if (labelNames.length === 0 || labels == null || typeof labels !== "object") return "";
	let key = "";
	for (let i = 0; i < labelNames.length; i++) {
		if (i > 0) key += "|";
		const v = labels[labelNames[i]];
		if (typeof v === "number" || typeof v === "boolean") key += String(v);
		else if (typeof v === "string") key += '"' + v + '"';
	}
	return key;
}

/** Any label value that is not a string, number or boolean: Moleculer's key leaves it empty. */
const OTHER = Symbol("other");
interface KeyNode {
	next: Map<unknown, KeyNode>;
	key?: string;
}

/**
 * The keys already made, found again by walking the label values one Map at a time: the values
 * (action and service names) are strings made once, whose hashes V8 keeps, so finding a key costs
 * a few lookups instead of building and hashing a new string. A metric keeps an item for every key
 * anyway, so this tree grows only as its items do.
 */
export class LabelKeys {
	private readonly root: KeyNode = { next: new Map() };
	/** Keys of frozen label sets (which cannot change), by the object: one lookup. */
	private readonly ofFrozen = new WeakMap<object, string>();

	constructor(private readonly labelNames: readonly string[]) {}

	of(labels: Labels): string {
		if (labels != null && typeof labels === "object" && Object.isFrozen(labels)) {
			const known = this.ofFrozen.get(labels);
			if (known !== undefined) return known;
			const key = this.walk(labels);
			this.ofFrozen.set(labels, key);
			return key;
		}
		return this.walk(labels);
	}

	private walk(labels: Labels): string {
		const names = this.labelNames;
		if (names.length === 0 || labels == null || typeof labels !== "object") return "";
		let node = this.root;
		for (let i = 0; i < names.length; i++) {
			const v = labels[names[i]];
			const step = typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : OTHER;
			let next = node.next.get(step);
			if (!next) {
				next = { next: new Map() };
				node.next.set(step, next);
			}
			node = next;
		}
		return (node.key ??= labelKey(names, labels));
	}
}

type Constructor = new (...args: any[]) => object; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A gauge or counter keyed through LabelKeys (its increment and decrement look the key up twice: get, then set). */
function leanGauge(Base: Constructor): Constructor {
	return class LeanGauge extends Base {
		private readonly keys = new LabelKeys((this as unknown as MetricInternals).labelNames);

		hashingLabels(labels: Labels): string {
			return this.keys.of(labels);
		}
	};
}

interface HistogramItem {
	timestamp: number;
	sum: number;
	count: number;
	lastValue: number | null;
	bucketValues?: Record<number, number>;
	/** Observations at or below each bound, by the bound's position in `buckets`. */
	bucketCounts?: number[];
	quantileValues?: { add(value: number): void };
	rate?: { update(value: number): void };
}

type HistogramInstance = MetricInternals & {
	buckets?: number[];
	values: Map<string, HistogramItem>;
	changed(value: number, labels: Labels, timestamp?: number): void;
};

interface HistogramMethods {
	resetItem(item: HistogramItem, timestamp?: number | null): HistogramItem;
	observe(value: number, labels: Labels, timestamp?: number): HistogramItem;
	generateItemSnapshot(item: HistogramItem, key: string): unknown;
}

const BaseHistogram = MetricTypes.Histogram as unknown as Constructor;
const base = BaseHistogram.prototype as unknown as HistogramMethods;

/** A histogram that counts by bucket position (see the top of this file); its snapshot is Moleculer's. */
class LeanHistogram extends BaseHistogram {
	private readonly keys = new LabelKeys((this as unknown as MetricInternals).labelNames);

	hashingLabels(labels: Labels): string {
		return this.keys.of(labels);
	}

	resetItem(item: HistogramItem, timestamp?: number | null): HistogramItem {
		base.resetItem.call(this, item, timestamp);
		const buckets = (this as unknown as HistogramInstance).buckets;
		if (buckets) item.bucketCounts = new Array<number>(buckets.length).fill(0);
		return item;
	}

	/** Moleculer's observe, the buckets counted by position. The first observation of a label set makes its item in Moleculer's own way. */
	observe(value: number, labels: Labels, timestamp?: number): HistogramItem {
		const self = this as unknown as HistogramInstance;
		const item = self.values.get(this.keys.of(labels));
		if (!item) return this.observeFirst(value, labels, timestamp);
		item.timestamp = timestamp == null ? Date.now() : timestamp;
		item.sum += value;
		item.count++;
		item.lastValue = value;
		const buckets = self.buckets;
		const counts = item.bucketCounts;
		if (buckets && counts) for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]) counts[i]++;
		if (item.quantileValues) item.quantileValues.add(value);
		if (item.rate) item.rate.update(item.count);
		self.changed(value, labels, timestamp);
		return item;
	}

	generateItemSnapshot(item: HistogramItem, key: string): unknown {
		const buckets = (this as unknown as HistogramInstance).buckets;
		if (buckets && item.bucketValues && item.bucketCounts) {
			for (let i = 0; i < buckets.length; i++) item.bucketValues[buckets[i]] = item.bucketCounts[i];
		}
		return base.generateItemSnapshot.call(this, item, key);
	}

	/** Moleculer counted this observation in `bucketValues`: the counts start from there. */
	private observeFirst(value: number, labels: Labels, timestamp?: number): HistogramItem {
		const item = base.observe.call(this, value, labels, timestamp);
		const buckets = (this as unknown as HistogramInstance).buckets;
		if (buckets && item.bucketCounts) for (let i = 0; i < buckets.length; i++) item.bucketCounts[i] = item.bucketValues?.[buckets[i]] ?? 0;
		return item;
	}
}

let registered = false;

/** Makes every broker created from now on in this process use the lean types (idempotent). */
export function useLeanMetricTypes(): void {
	if (registered) return;
	registered = true;
	const types = MetricTypes as unknown as { register(name: string, type: unknown): void; Counter: Constructor; Gauge: Constructor };
	types.register("Counter", leanGauge(types.Counter));
	types.register("Gauge", leanGauge(types.Gauge));
	types.register("Histogram", LeanHistogram);
}
