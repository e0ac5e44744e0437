import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { collectDefaultMetrics } from 'prom-client';
import { createLogger, loadConfigOrExit, stopOnSignals, syncKeyRegistry } from '@postback/core';
import { createAdminMetrics } from './adminMetrics.js';
import { createAdminApp } from './app.js';
import { connectAdminDeps } from './wiring/connectAdminDeps.js';
import { createBulkRejections } from './bulk/bulkRejections.js';
import { createDlqReplays } from './services/dlqReplays.js';

const cfg = loadConfigOrExit();
const logger = createLogger('admin', cfg.LOG_LEVEL);
let adminToken = cfg.ADMIN_TOKEN;
if (!adminToken) {
  if (cfg.NODE_ENV === 'production') {
    logger.fatal('ADMIN_TOKEN is required when NODE_ENV=production');
    process.exit(1);
  }
  // A usable local setup without a shared default secret: a fresh token for this run, printed once.
  adminToken = randomBytes(24).toString('base64url');
  logger.warn({ admin_token: adminToken }, 'ADMIN_TOKEN not set: generated one for this run');
}

const deps = connectAdminDeps(cfg, logger);
deps.withRedis(() => syncKeyRegistry(deps.prisma, deps.registry)).catch((err: unknown) =>
  logger.warn({ err }, 'could not sync the key registry at start; the worker will'),
);
const replays = createDlqReplays(deps, logger);
// Bulk rejection uploads are queued here, in the admin process: each by one admin at a time (a lease in Postgres).
const bulk = createBulkRejections(deps);
bulk.runner.start();
const metrics = createAdminMetrics(deps);
collectDefaultMetrics({ register: metrics.registry });
const server = createServer(createAdminApp({ ...deps, adminToken, logger, replays, bulk, metrics }));
server.listen(cfg.ADMIN_PORT, cfg.ADMIN_HOST, () => logger.info({ host: cfg.ADMIN_HOST, port: cfg.ADMIN_PORT }, 'admin API listening'));

stopOnSignals({
  name: 'admin',
  logger,
  timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS,
  steps: [
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    // A replay still running is recorded as interrupted; a new one picks up whatever it left in the DLQ.
    () => replays.close(),
    // The upload being queued is let go where it stands; the next admin to look (this one restarted) goes on from there.
    () => bulk.runner.close(),
    () => deps.close(),
  ],
});
