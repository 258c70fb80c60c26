// What a card number looks like, shared by orders (which refuses a typo before reserving
// anything) and payments (the processor, which checks again: it trusts no caller).

/** Digits only: shoppers type spaces and dashes. */
export function normaliseCardNumber(raw: string): string {
	return raw.replace(/[\s-]/g, "");
}

/** 12 to 19 digits passing the Luhn checksum (ISO/IEC 7812): every second digit from the right doubled. */
export function isCardNumber(digits: string): boolean {
	if (!/^\d{12,19}$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}
