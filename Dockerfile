# syntax=docker/dockerfile:1
#
# One image, hexbase/server, runs every Hexbase process; the command picks which one
# (deploy/services.json lists them). Why one image: docs/adr/0003-container-images.md.
#
#   docker build -t hexbase/server:dev .
#   docker run --rm hexbase/server:dev node --import tsx services/records/src/main.ts
#   docker run --rm hexbase/server:dev tsx scripts/db.ts migrate

FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# The root lockfile and every workspace's package.json, at their paths and nothing else, so
# that the install layers below are reused until a manifest changes, not at every code edit.
FROM base AS manifests
COPY . /context
RUN cd /context \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /app/ \; \
 && cp package-lock.json /app/

# All dependencies: the Prisma CLI (a dev dependency) generates the clients.
# Install scripts stay off: nothing needs them (Prisma 7 runs its engines as WebAssembly,
# esbuild's binary comes as an optional dependency), and they would download at build time.
FROM base AS deps
COPY --from=manifests /app/ ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts

FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services ./services
COPY scripts ./scripts
RUN npm run db:generate \
 && mkdir -p /generated \
 && find services -path '*/src/generated' -type d -prune -exec cp -a --parents {} /generated/ \;

# Production dependencies only.
FROM base AS prod-deps
COPY --from=manifests /app/ ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts

FROM base AS runtime
# tini is PID 1: it forwards SIGTERM to node and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# node_modules/.bin on PATH: a job runs its package.json script's command line as written
# (`tsx scripts/db.ts migrate`) without npm, which wants a writable home and relays signals poorly.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PATH=/app/node_modules/.bin:$PATH
COPY --from=prod-deps /app/ ./
COPY tsconfig.base.json tsconfig.json ./
COPY libs ./libs
COPY services ./services
COPY scripts ./scripts
COPY --from=build /generated/ ./
# Code stays owned by root and read-only to the process. UID 1000 is the image's `node`
# user: it has a passwd entry, which tsx needs (os.userInfo) for its cache under /tmp.
USER 1000:1000
# No HEALTHCHECK: the port differs per process, Kubernetes ignores it (probes are in
# deploy/k8s) and docker-compose.yml declares one per service.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "-e", "console.error('hexbase/server runs one process per container: give its command, e.g. node --import tsx services/records/src/main.ts (see deploy/services.json)'); process.exit(64)"]
