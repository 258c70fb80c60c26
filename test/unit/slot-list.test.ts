// The read model's packed lists of slots (services/products/slot-list.ts).
import { SlotList } from "../../services/products/slot-list";

describe("a list of slots", () => {
	it("keeps its items, in order, through inserts, removals and giving back its spare room", () => {
		const list = new SlotList();
		const truth: number[] = [];
		for (let i = 0; i < 100; i++) {
			const at = (i * 31) % (truth.length + 1);
			list.insert(at, i);
			truth.splice(at, 0, i);
			if (i % 4 === 0) {
				list.removeAt(i % truth.length);
				truth.splice(i % truth.length, 1);
			}
		}
		list.trim();
		expect(Array.from(list.view())).toEqual(truth);
		list.push(1_000);
		list.insert(0, 2_000);
		expect(Array.from(list.view())).toEqual([2_000, ...truth, 1_000]);
		const empty = new SlotList();
		empty.trim();
		empty.push(7);
		expect(Array.from(empty.view())).toEqual([7]);
	});
});
