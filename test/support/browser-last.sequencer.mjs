// `npm test` is one jest run over the four tiers, so that it ends with one summary. The browser
// tests go last: they drive Chromium against a whole shop in the test process and are the ones
// that suffer when cluster tests (real node processes) share the two cores with them. Inside each
// group jest's own order stays (failed first, then the slowest first).
import jestSequencer from "@jest/test-sequencer";

const Sequencer = jestSequencer.default;
const isBrowser = test => /[\\/]test[\\/]browser[\\/]/.test(test.path);

export default class BrowserLastSequencer extends Sequencer {
	sort(tests) {
		const sorted = super.sort(tests);
		return [...sorted.filter(t => !isBrowser(t)), ...sorted.filter(isBrowser)];
	}
}
