#!/bin/sh
# Makes the cluster's secrets once, each into a volume that only its users mount, readable only
# by the account that reads it; kept across restarts. A value given in the environment
# (NATS_PASSWORD, MONGO_PASSWORD) is used instead of a random one.
#   /secrets/jwt:   jwt (token-signing key)                 the gateway and users nodes (uid 1000)
#   /secrets/nats:  password (uid 1000), nats.conf (root)   every node; the NATS server
#   /secrets/mongo: uri (uid 1000), root-password and app-password (uid 999, MongoDB's own user)
set -eu
umask 077
APP=1000:1000
MONGO=999:999

random() { node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))"; }
keep() { # keep FILE VALUE-IF-GIVEN: write the given value, else a random one unless the file has one
	if [ -n "$2" ]; then printf '%s' "$2" > "$1"; elif [ ! -s "$1" ]; then random > "$1"; fi
}

keep /secrets/jwt/jwt ""
chown "$APP" /secrets/jwt/jwt && chmod 400 /secrets/jwt/jwt

keep /secrets/nats/password "${NATS_PASSWORD:-}"
printf 'port: 4222\nhttp_port: 8222\nmax_payload: 1MB\nauthorization {\n  user: shop\n  password: "%s"\n}\n' "$(cat /secrets/nats/password)" > /secrets/nats/nats.conf
chown "$APP" /secrets/nats/password && chmod 400 /secrets/nats/password /secrets/nats/nats.conf

keep /secrets/mongo/root-password ""
keep /secrets/mongo/app-password "${MONGO_PASSWORD:-}"
printf 'mongodb://shop:%s@mongo:27017/?authSource=admin' "$(cat /secrets/mongo/app-password)" > /secrets/mongo/uri
chown "$MONGO" /secrets/mongo/root-password /secrets/mongo/app-password && chown "$APP" /secrets/mongo/uri
chmod 400 /secrets/mongo/root-password /secrets/mongo/app-password /secrets/mongo/uri
echo "secrets ready"
