# syntax=docker/dockerfile:1
# The v2x image: one image for every role (edges, services, the simulator). Entry point `v2x`;
# a container runs `v2x backend` by default, configured through the environment
# (KAFKA_BROKERS, V2X_BACKEND__ROLES, ...: docs/deploy.md) or a config file (V2X_CONFIG).
#   docker build -t v2x-fleet .
# No secrets are baked in: the fleet key, API tokens and service passwords come at run time.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the TypeScript to dist/ and the dashboard bundle to dist/dashboard/
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` script (npm run build) needs the sources, copied below;
# esbuild's own install check runs through `npm rebuild esbuild`.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild esbuild
COPY . .
RUN npm run build && rm -rf dist/test dist/bench dist/.tsbuildinfo

# ---- runtime: production dependencies, dist/ and the bundled scenarios; no compiler, no sources
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY loadtest/scenarios ./loadtest/scenarios
COPY simulator/scenarios ./simulator/scenarios
COPY simulator/scenario/examples ./simulator/scenario/examples
RUN ln -s /app/bin/v2x.js /usr/local/bin/v2x
# the base image's `node` user (uid 1000), numeric so Kubernetes' runAsNonRoot can verify it
USER 1000:1000
# MQTT over TCP, MQTT over WebSocket, MQTT over TLS (when a key and certificate are given), HTTP
# (API, dashboard, /health, /metrics)
EXPOSE 1883 8083 8883 3000
# Backend processes serve GET /health on the HTTP port; `v2x sim` containers turn this check off.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.V2X_BACKEND__HTTP_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["v2x"]
CMD ["backend"]
