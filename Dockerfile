# syntax=docker/dockerfile:1
# One image for every process of Postback Pipeline; docker-compose.yml picks the process with `command`:
#   node apps/receiver/dist/main.js | apps/worker/dist/main.js | apps/admin/dist/main.js | apps/admin/dist/migrateMain.js
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, Prisma client generation (offline), tsc -b ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1
# The manifests first, so the npm ci layer is reused until a dependency changes.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY apps/receiver/package.json apps/receiver/
COPY apps/worker/package.json apps/worker/
COPY apps/admin/package.json apps/admin/
COPY apps/console/package.json apps/console/
# No dependency needs its install script (@prisma/engines' postinstall would download engines we never use).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json prisma.config.ts ./
COPY scripts scripts
COPY prisma prisma
COPY packages/core packages/core
COPY apps apps
# scripts/prisma-generate.mjs (offline), tsc -b (packages/core/dist holds the compiled generated client), then Vite
# builds the console into apps/console/dist.
RUN npm run build

# ---- prod-deps: production dependencies only, with the workspace links ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY apps/receiver/package.json apps/receiver/
COPY apps/worker/package.json apps/worker/
COPY apps/admin/package.json apps/admin/
# The console's packages are all devDependencies (Vite bundles them into apps/console/dist): none lands here.
COPY apps/console/package.json apps/console/
# --omit=optional too: the lockfile marks the Prisma CLI and typescript "devOptional" (optional peers of
# @prisma/client), which --omit=dev alone keeps (364 MB instead of 111 MB). It also drops msgpackr-extract,
# an optional native speed-up that msgpackr (bullmq) does without, and pg-cloudflare (Workers only).
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# node_modules (node_modules/@postback/* are links to packages/ and apps/) and every package.json they point at.
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/apps/receiver/dist apps/receiver/dist
COPY --from=build /app/apps/worker/dist apps/worker/dist
COPY --from=build /app/apps/admin/dist apps/admin/dist
# The console's static files, which the admin app serves at /admin/console.
COPY --from=build /app/apps/console/dist apps/console/dist
# migrateMain.js reads ../../../prisma/migrations relative to apps/admin/dist, i.e. /app/prisma/migrations.
COPY prisma/migrations prisma/migrations
# Files stay root-owned (read-only to the process); the process runs unprivileged.
USER node
# 9464 and 9465: the receiver's and the worker's Prometheus metrics ports (internal network only).
EXPOSE 3000 3001 9464 9465
CMD ["node", "apps/receiver/dist/main.js"]
