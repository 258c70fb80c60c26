// A list of small whole numbers (the read model's slots) packed in an Int32Array that grows as
// needed: half the memory of a JS array of numbers, and a walk over it reads contiguous memory.
// Inserting and removing in the middle move the tail with one memmove (copyWithin).

export class SlotList {
	private data: Int32Array;
	private size = 0;

	constructor(capacity = 16) {
		this.data = new Int32Array(Math.max(4, capacity));
	}

	/** A list holding exactly `items`, with no room to spare (a whole order built at load). */
	static of(items: Int32Array): SlotList {
		const list = new SlotList(0);
		list.data = items;
		list.size = items.length;
		return list;
	}

	get length(): number {
		return this.size;
	}

	at(i: number): number {
		return this.data[i];
	}

	/** A view of [from, to): no copy, valid until the next change. */
	view(from = 0, to = this.size): Int32Array {
		return this.data.subarray(from, to);
	}

	push(item: number): void {
		if (this.size === this.data.length) this.grow();
		this.data[this.size++] = item;
	}

	insert(at: number, item: number): void {
		if (this.size === this.data.length) this.grow();
		this.data.copyWithin(at + 1, at, this.size);
		this.data[at] = item;
		this.size++;
	}

	removeAt(at: number): void {
		this.data.copyWithin(at, at + 1, this.size);
		this.size--;
	}

	/** No room to spare (after the whole catalog was added at load: growing by doubling leaves up to half of it empty). */
	trim(): void {
		if (this.data.length > this.size) this.data = this.data.slice(0, this.size);
	}

	/** The first index whose item is not `before` (the list is ordered so that those come first). */
	lowerBound(before: (item: number) => boolean, from = 0, to = this.size): number {
		let lo = from;
		let hi = to;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (before(this.data[mid])) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	private grow(): void {
		const data = new Int32Array(Math.max(16, this.data.length * 2));
		data.set(this.data.subarray(0, this.size));
		this.data = data;
	}
}
