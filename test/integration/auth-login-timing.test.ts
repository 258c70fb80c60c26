// A failed login must not tell whether the email has an account: not by its answer, not by its
// time. Runs at the real password-hashing cost, the one that makes the difference measurable.
import type { ServiceBroker, ServiceSchema } from "moleculer";
import ApiService from "../../services/api/api.service";
import UsersService from "../../services/users/users.service";
import { gatewayUrl, startBroker } from "../support/broker";
import { http } from "../support/http";

let broker: ServiceBroker;
let api: string;

beforeAll(async () => {
	broker = await startBroker([ApiService, UsersService] as ServiceSchema[]);
	api = gatewayUrl(broker);
});

afterAll(() => broker.stop());

it("answers an unknown email and a wrong password the same, in the same time", async () => {
	const known = { email: "known@example.com", password: "the right password" };
	expect((await http.post(`${api}/api/auth/register`, { ...known, name: "K" })).status).toBe(201);
	const wrongPassword = () => http.post(`${api}/api/auth/login`, { email: known.email, password: "not the password" });
	const unknownEmail = (i: number) => http.post(`${api}/api/auth/login`, { email: `unknown${i}@example.com`, password: "not the password" });

	// Four of each: under the limit of five for one account and one address, so none is a 429.
	const times = { wrongPassword: [] as number[], unknownEmail: [] as number[] };
	for (let round = 0; round < 4; round++) {
		const [a, b] = [await wrongPassword(), await unknownEmail(round)];
		expect([a.status, b.status]).toEqual([401, 401]);
		expect(a.body).toEqual(b.body);
		times.wrongPassword.push(a.ms);
		times.unknownEmail.push(b.ms);
	}
	const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
	const ratio = median(times.unknownEmail) / median(times.wrongPassword);
	// Without the dummy hash an unknown email answers in a millisecond or two and a wrong password
	// in hundreds (a ratio near 0.01); the bounds leave room for a busy machine.
	expect(ratio).toBeGreaterThan(1 / 3);
	expect(ratio).toBeLessThan(3);
});
