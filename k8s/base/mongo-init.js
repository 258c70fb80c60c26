// Run by the mongo image once, on an empty volume (/docker-entrypoint-initdb.d), as the root
// user, in docker-compose.yml and in k8s/base/mongo.yaml: one application user that may read
// and write each service's own database (shop-<service>, see mixins/db.mixin.ts) and nothing
// else, with the password mounted from the secret. (Per-service users are a step further:
// one createUser per service, and a MONGO_URI_FILE per Deployment.)
// A mongosh script, not a module of the shop: require() is how mongosh reads a file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require("fs");
const password = fs.readFileSync("/run/secrets/mongo/app-password", "utf8").trim();
const services = ["users", "products", "inventory", "cart", "orders", "payments", "shipping", "notifications", "ops"];
db.getSiblingDB("admin").createUser({
	user: "shop",
	pwd: password,
	roles: services.map(service => ({ role: "readWrite", db: `shop-${service}` })),
});
