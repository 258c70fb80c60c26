// Runs before every test file: in-process brokers keep data in memory, open no metrics port,
// take a free HTTP port and stay quiet. Cluster tests give their node processes their own env.
process.env.DATA_DIR = ":memory:";
process.env.METRICS_PORT = "0";
process.env.PORT = "0";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "warn";
// Tests sign up many shoppers from 127.0.0.1; the sign-up throttle is auth-signup-flood.test.ts's business.
process.env.SIGNUP_LIMIT = "0";
process.env.JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";
delete process.env.TRANSPORTER;
delete process.env.MONGO_URI;
delete process.env.CACHER;
delete process.env.SERVICES;
