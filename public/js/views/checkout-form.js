// The checkout form's fields. Inputs are named after the API's field paths
// ("shippingAddress.city", "payment.cvc") so a 422's messages land under the right input.
import { h, field } from "../dom.js";
import { countryName } from "../format.js";

const COUNTRIES = ["US", "CA", "GB", "IE", "DE", "FR", "NL", "BE", "LU", "ES", "PT", "IT", "AT", "CH", "DK", "SE", "NO", "FI", "PL", "CZ", "JP", "AU", "NZ"];

// The contract's test cards: shown so anyone trying the shop can see each outcome.
const TEST_CARDS = [
	["4242 4242 4242 4242", "succeeds"],
	["4000 0000 0000 0002", "is declined"],
	["4000 0000 0000 9995", "is declined for insufficient funds"],
];

/** The shopper's own country first guess, from the browser's language ("en-GB" → GB). */
function guessCountry() {
	const region = (navigator.language ?? "").split("-")[1]?.toUpperCase();
	return COUNTRIES.includes(region) ? region : "US";
}

export function addressFields(name, onCountry) {
	const chosen = guessCountry();
	const options = COUNTRIES.map(code => ({ code, name: countryName(code) }))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map(c => h("option", { value: c.code, selected: c.code === chosen }, c.name));
	const country = field("Country", { name: "shippingAddress.country", autocomplete: "country", required: true, onChange: e => onCountry(e.target.value) }, { tag: "select", options });
	return h(
		"fieldset",
		null,
		h("legend", null, "Shipping address"),
		field("Full name", { name: "shippingAddress.name", autocomplete: "shipping name", required: true, maxlength: "100", value: name }),
		field("Street and number", { name: "shippingAddress.street", autocomplete: "shipping street-address", required: true, maxlength: "200" }),
		h(
			"div",
			{ class: "row" },
			field("Postal code", { name: "shippingAddress.postalCode", autocomplete: "shipping postal-code", required: true, maxlength: "20" }),
			field("City", { name: "shippingAddress.city", autocomplete: "shipping address-level2", required: true, maxlength: "100" }),
		),
		country,
	);
}

export function paymentFields() {
	const year = new Date().getFullYear();
	const months = Array.from({ length: 12 }, (_, i) => h("option", { value: String(i + 1) }, String(i + 1).padStart(2, "0")));
	const cardInput = { name: "payment.cardNumber", autocomplete: "cc-number", inputmode: "numeric", required: true, pattern: "[0-9 \\-]{12,23}", maxlength: "23" };
	const fieldset = h(
		"fieldset",
		null,
		h("legend", null, "Payment"),
		field("Card number", cardInput, { hint: "Test cards are listed below." }),
		h(
			"div",
			{ class: "row" },
			field("Expiry month", { name: "payment.expMonth", autocomplete: "cc-exp-month", required: true }, { tag: "select", options: months }),
			field("Expiry year", { name: "payment.expYear", type: "number", autocomplete: "cc-exp-year", required: true, min: String(year), max: String(year + 20), value: String(year + 2), inputmode: "numeric" }),
			field("Security code", { name: "payment.cvc", autocomplete: "cc-csc", inputmode: "numeric", required: true, pattern: "[0-9]{3,4}", maxlength: "4" }, { hint: "3 or 4 digits" }),
		),
		testCards(),
	);
	return fieldset;
}

function testCards() {
	const use = number => event => {
		const form = event.currentTarget.form;
		form.elements.namedItem("payment.cardNumber").value = number;
		const cvc = form.elements.namedItem("payment.cvc");
		if (!cvc.value) cvc.value = "123";
		form.elements.namedItem("payment.cardNumber").focus();
	};
	return h(
		"details",
		{ class: "test-cards", open: true },
		h("summary", null, "Test cards (no real money moves)"),
		h(
			"ul",
			null,
			TEST_CARDS.map(([number, outcome]) =>
				h("li", null, h("code", null, number), ` ${outcome} `, h("button", { type: "button", class: "link", "aria-label": `Use card ${number}`, onClick: use(number) }, "Use")),
			),
			h("li", null, "Any other number that passes the Luhn check succeeds; any expiry in the future and any CVC."),
		),
	);
}
