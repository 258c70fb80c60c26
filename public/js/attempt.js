// Idempotency keys for checkout. One key per attempt to buy: a retry of the same attempt (same
// order details, after an answer that leaves the outcome unknown: no network, 5xx, 429) reuses
// it, so the shop returns the first order instead of charging twice. A definite answer (an
// order, a decline, "out of stock", invalid input) ends the attempt: the next click is a new one.

export function checkoutAttempts(newKey = () => crypto.randomUUID()) {
	let current = null; // { key, fingerprint }
	return {
		/** The key to send with this body: the pending attempt's if the body is the same. */
		keyFor(body) {
			const fingerprint = JSON.stringify(body);
			if (!current || current.fingerprint !== fingerprint) current = { key: newKey(), fingerprint };
			return current.key;
		},
		/** After an answer: keep the key only while nobody knows whether the order went through. */
		settle(outcomeUnknown) {
			if (!outcomeUnknown) current = null;
		},
		get pending() {
			return current !== null;
		},
	};
}
