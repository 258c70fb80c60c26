# One image for every node of the shop; SERVICES chooses what a container runs.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json moleculer.config.ts ./
COPY lib lib
COPY mixins mixins
COPY middlewares middlewares
COPY services services
COPY types types
COPY bench bench
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    SERVICEDIR=dist/services \
    DATA_DIR=/app/data \
    PORT=3000 \
    METRICS_PORT=3030
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY public public
# Owned by the unprivileged user before volumes are mounted over them, so volumes inherit it.
RUN mkdir -p /app/data/notifications && chown -R node:node /app/data
# The image's `node` user, by number: Kubernetes can then verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 3030
# Every node answers /health/ready on its metrics/health port once its transporter is connected
# and its services have started and say they are well (a node stuck connecting to its store is
# not healthy); /health/live is for restarts (Kubernetes' livenessProbe).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.METRICS_PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "node_modules/moleculer/bin/moleculer-runner.js", "--config", "dist/moleculer.config.js"]
