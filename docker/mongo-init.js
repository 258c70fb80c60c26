// Run by the mongo image once, on an empty volume (/docker-entrypoint-initdb.d), as the root
// user: one application user that may read and write each service's own database
// (shop-<service>, see mixins/db.mixin.ts) and nothing else, with the password the secrets
// container made. (Per-service users are a step further: one more createUser per service.)
const fs = require("fs");
const password = fs.readFileSync("/run/secrets/mongo/app-password", "utf8").trim();
const services = ["users", "products", "inventory", "cart", "orders", "payments", "shipping", "notifications"];
db.getSiblingDB("admin").createUser({
	user: "shop",
	pwd: password,
	roles: services.map(service => ({ role: "readWrite", db: `shop-${service}` })),
});
