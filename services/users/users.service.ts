// services/users/users.service.ts — accounts: register, sign in, who am I, sign out, roles; the
// first admin from the environment. Params and results are in users.contract.ts.
import crypto from "node:crypto";
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { DbMixin, isDuplicateKey, type DbVars, type Store } from "../../mixins/db.mixin";
import { toPublicUser, type UserDoc } from "./account";
import { normalizeEmail } from "./email";
import { adminConfigProblem, ensureAdmin } from "./admin";
import { dummyHash, hashPassword, needsRehash, SCRYPT_COST, verifyPassword, type HashOptions, type ScryptCost } from "./password";
import { HASH_QUEUE_LIMITS, HashQueue, type HashPriority, type HashQueueLimits } from "./hash-queue";
import { SignUpThrottle, type SignUpLimits } from "./signup-throttle";
import { LoginThrottle, type CounterDoc, type ThrottleLimits } from "./throttle";
import { call } from "../../lib/call";
import { implement } from "../../lib/contract";
import { Clock, type ClockMethods } from "../../mixins/clock.mixin";
import { PeriodicWork } from "../../mixins/periodic-work.mixin";
import { config } from "../../lib/config";
import { ConflictError, NotFoundError, UnauthorizedError } from "../../lib/errors";
import { jwtSecret, signToken } from "../../lib/tokens";
import type { ShopContext } from "../../lib/meta";
import { UsersContract, type Session } from "./users.contract";

interface UsersSettings extends ServiceSettingSchema {
	adminEmail: string | null;
	adminPassword: string | null;
	/** Raising it re-hashes each password at its owner's next login. */
	passwordCost: ScryptCost;
	throttle: ThrottleLimits;
	signUps: SignUpLimits;
	hashing: HashQueueLimits;
	/** How long a sign-in waits for the cart service to merge the guest cart before going on without it. */
	cartMergeTimeoutMs: number;
}

/** `now()` is the clock (mixins/clock.mixin.ts); tests replace it to see a throttle lift. */
interface UsersMethods extends ClockMethods {
	signIn(ctx: ShopContext, doc: UserDoc): Promise<Session>;
	hashJob(ctx: ShopContext, priority: HashPriority): HashOptions;
	mergeGuestCart(ctx: ShopContext, userId: string): Promise<void>;
	sweepThrottles(): Promise<number>;
}

interface UsersVars extends DbVars {
	adapter: Store<UserDoc>;
	/** The second collection (`this.stores.login_failures`), shared by both throttles. */
	throttleStore: Store<CounterDoc>;
	throttle: LoginThrottle;
	signUpThrottle: SignUpThrottle;
	hashQueue: HashQueue;
}

type UsersThis = Service<UsersSettings> & UsersMethods & UsersVars;

// Hashing takes about a quarter of a second and may queue behind other hashes: more than the
// broker's default 3 s must be allowed under a burst of sign-ins.
const HASHING_TIMEOUT_MS = 10_000;

function emailTaken(): ConflictError {
	return new ConflictError("An account with this email already exists", "EMAIL_TAKEN");
}

const UsersService: ServiceSchema<UsersSettings, UsersMethods, UsersVars> = {
	name: UsersContract.name,
	// Started last-first: both stores, then the sweep; stopped the other way round.
	mixins: [
		// Old login and sign-up counters, and clients known for too long, dropped once a window.
		PeriodicWork<UsersSettings>({ name: "throttle-sweep", every: s => s.throttle.windowMs, run: "sweepThrottles" }),
		Clock,
		DbMixin("users", {
			indexes: [{ fields: ["email"], unique: true }],
			// Login and sign-up counters per e-mail and client; the sweep finds the old ones by `resetAt`.
			collections: { login_failures: { indexes: [{ fields: ["resetAt"] }] } },
		}),
	],

	settings: {
		// Settings are sent to every node in the service list; the admin password must stay here.
		$secureSettings: ["adminPassword"],
		adminEmail: config.adminEmail,
		adminPassword: config.adminPassword,
		passwordCost: SCRYPT_COST,
		// Per (account, address) pair and per address: refused until the window ends. Per account, a
		// ceiling on guesses from many addresses, past which they are slowed (429s of 30 s at most).
		throttle: { perPair: 5, perClient: 30, perAccount: 100, paceMs: 30_000, windowMs: 15 * 60_000, knownForMs: 30 * 24 * 60 * 60_000 },
		// Each sign-up costs a hash: a client (IPv4 address, IPv6 /64) starts only so many per window.
		signUps: { perClient: config.signUpLimit, windowMs: 15 * 60_000 },
		hashing: HASH_QUEUE_LIMITS,
		cartMergeTimeoutMs: 1_000,
	},

	actions: implement<UsersThis>()(UsersContract, {
		/** POST /api/auth/register: always a customer, whatever else the body says. */
		register: {
			auth: "public",
			timeout: HASHING_TIMEOUT_MS,
			async handler(ctx) {
				await this.signUpThrottle.begin(ctx.meta.clientIp);
				const email = normalizeEmail(ctx.params.email);
				if (await this.adapter.findOne({ email })) throw emailTaken();
				const at = new Date(this.now()).toISOString();
				const doc: UserDoc = {
					_id: crypto.randomUUID(),
					email,
					name: ctx.params.name,
					role: "customer",
					passwordHash: await hashPassword(ctx.params.password, this.settings.passwordCost, this.hashJob(ctx, "sign-up")),
					createdAt: at,
					updatedAt: at,
				};
				try {
					await this.adapter.insert(doc);
				} catch (err) {
					throw isDuplicateKey(err) ? emailTaken() : err; // registered in parallel with us
				}
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = "/api/auth/me"; // the new account, as its token reads it
				return this.signIn(ctx, doc);
			},
		},

		/** POST /api/auth/login: one answer, in one time, for an unknown email and a wrong password. */
		login: {
			auth: "public",
			timeout: HASHING_TIMEOUT_MS,
			async handler(ctx) {
				const email = normalizeEmail(ctx.params.email);
				const cost = this.settings.passwordCost;
				const attempt = await this.throttle.begin(email, ctx.meta.clientIp);
				const doc = await this.adapter.findOne({ email });
				const matches = await verifyPassword(ctx.params.password, doc?.passwordHash ?? (await dummyHash(cost)), this.hashJob(ctx, "sign-in"));
				if (!doc || !matches) throw new UnauthorizedError("Wrong email or password", "INVALID_CREDENTIALS");

				await this.throttle.succeeded(attempt);
				if (needsRehash(doc.passwordHash, cost)) {
					await this.adapter.updateById(doc._id, { $set: { passwordHash: await hashPassword(ctx.params.password, cost, this.hashJob(ctx, "sign-in")) } });
				}
				return this.signIn(ctx, doc);
			},
		},

		/** POST /api/auth/logout: every token of the caller's is refused from now on (by each gateway within a minute). */
		logout: {
			auth: "user",
			async handler(ctx) {
				const user = ctx.meta.user;
				if (user) await this.adapter.updateById(user.id, { $inc: { tokenVersion: 1 }, $set: { updatedAt: new Date(this.now()).toISOString() } });
				ctx.meta.$statusCode = 204;
				return null;
			},
		},

		/** PUT /api/users/:id/role (admin): the user's old tokens, with the old role in them, stop working. */
		setRole: {
			auth: "admin",
			async handler(ctx) {
				const doc = await this.adapter.findOne({ _id: ctx.params.id });
				if (!doc) throw new NotFoundError("User");
				if (doc.role === ctx.params.role) return toPublicUser(doc);
				const updatedAt = new Date(this.now()).toISOString();
				await this.adapter.updateById(doc._id, { $set: { role: ctx.params.role, updatedAt }, $inc: { tokenVersion: 1 } });
				return toPublicUser({ ...doc, role: ctx.params.role });
			},
		},

		/** For the gateway: the version a token must carry to be honoured. Cheap, and cached there. */
		tokenVersion: {
			visibility: "public",
			async handler(ctx) {
				const doc = await this.adapter.findOne({ _id: ctx.params.id });
				return { version: doc ? (doc.tokenVersion ?? 0) : null };
			},
		},

		/** GET /api/auth/me: read from the store, so a changed name or role shows at once. */
		me: {
			auth: "user",
			async handler(ctx) {
				const doc = ctx.meta.user ? await this.adapter.findOne({ _id: ctx.meta.user.id }) : null;
				if (!doc) throw new UnauthorizedError("This account does not exist any more", "INVALID_TOKEN");
				return toPublicUser(doc);
			},
		},
	}),

	methods: {
		sweepThrottles(): Promise<number> {
			return this.throttle.sweep();
		},

		/** A hash for this request: in this service's queue, given up once the caller has stopped waiting. */
		hashJob(ctx: ShopContext, priority: HashPriority): HashOptions {
			const timeout = ctx.options.timeout && ctx.options.timeout > 0 ? ctx.options.timeout : HASHING_TIMEOUT_MS;
			return { queue: this.hashQueue, priority, deadline: this.now() + timeout };
		},

		async signIn(ctx: ShopContext, doc: UserDoc): Promise<Session> {
			const token = signToken({ id: doc._id, email: doc.email, role: doc.role, tokenVersion: doc.tokenVersion ?? 0 });
			await this.mergeGuestCart(ctx, doc._id);
			return { user: toPublicUser(doc), token };
		},

		/** The guest cart is a convenience: when the cart service cannot merge it, the sign-in still succeeds. */
		async mergeGuestCart(ctx: ShopContext, userId: string): Promise<void> {
			const guestCartId = ctx.meta.cartId;
			if (!guestCartId) return;
			try {
				await call(ctx, "cart.merge", { guestCartId, userId }, { timeout: this.settings.cartMergeTimeoutMs });
			} catch (err) {
				this.logger.warn("Guest cart not merged; signing in without it.", { requestID: ctx.requestID, userId, error: (err as Error).message });
			}
		},
	},

	created() {
		// A node that could not sign or check tokens, or would run with a broken admin, must not start.
		jwtSecret();
		const problem = adminConfigProblem(this.settings.adminEmail, this.settings.adminPassword);
		if (problem) throw new Error(problem);

		// The db mixin's created() ran first: both stores exist; they connect before started().
		this.throttleStore = this.stores.login_failures as Store<CounterDoc>;
		this.throttle = new LoginThrottle(this.throttleStore, this.settings.throttle, () => this.now());
		this.signUpThrottle = new SignUpThrottle(this.throttleStore, this.settings.signUps, () => this.now());
		this.hashQueue = new HashQueue(this.settings.hashing, () => this.now());
	},

	async started() {
		// Made now, not at the first unknown email, whose answer would then be the slow one.
		await dummyHash(this.settings.passwordCost);

		const { adminEmail, adminPassword } = this.settings;
		if (adminEmail && adminPassword) {
			const outcome = await ensureAdmin(this.adapter, adminEmail, adminPassword, new Date(this.now()), this.settings.passwordCost);
			this.logger.info(`Admin account ${normalizeEmail(adminEmail)}: ${outcome}.`);
		}
	},
};

export default UsersService;
