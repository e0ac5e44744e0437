import express from 'express';
import { STORE_RETRY_AFTER_SECONDS, type Logger } from '@postback/core';
import { adminAccessLog } from './adminAccessLog.js';
import { adminErrorHandler } from './adminErrorHandler.js';
import { actorOf, createAdminAuth } from './adminAuth.js';
import { adminActions } from './auditedActions.js';
import { createAdminSessions } from './dashboard/adminSession.js';
import { registerConsole } from './dashboard/consoleRoutes.js';
import { registerLoginRoutes } from './dashboard/loginRoutes.js';
import { mountQueueDashboard } from './dashboard/queueDashboard.js';
import { createBulkRejections, type BulkRejections } from './bulk/bulkRejections.js';
import { registerBulkRoutes } from './bulk/bulkRoutes.js';
import { registerAffiliateRoutes } from './affiliateRoutes.js';
import { registerDlqRoutes } from './dlqRoutes.js';
import { createAdminOpenApi } from './openapi/adminOpenApi.js';
import { registerPostbackLogCsv } from './postbackLogCsvRoute.js';
import { registerReportRoutes } from './reportRoutes.js';
import { readiness } from './readiness.js';
import { createAdminMetrics, type AdminMetrics } from './adminMetrics.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import { listAdvertisers } from './services/advertiserList.js';
import { showAdvertiser, showOffer } from './services/advertisers.js';
import { searchAudit } from './services/adminAuditSearch.js';
import { showConversion } from './services/conversions.js';
import { listDeadLetters, showDeadLetter } from './services/deadLetters.js';
import { listShardLayouts } from './services/shardLayouts.js';
import { listOffers } from './services/offerList.js';
import { listRejectionEndpoints } from './services/rejectionEndpointList.js';
import { searchPostbackLog } from './services/postbackLogSearch.js';
import { listRefusals } from './services/refusalList.js';
import { createDlqReplays, type DlqReplays } from './services/dlqReplays.js';
import { showPostback } from './services/postbacks.js';

export interface AdminAppDeps extends AdminDeps {
  adminToken: string;
  logger: Logger;
  /** Filtered dead-letter replays; main.ts passes its own to stop them on shutdown. */
  replays?: DlqReplays;
  /**
   * Bulk rejection uploads; main.ts passes its own, whose runner it starts and stops. Made here when not given (its
   * runner not started: uploads are staged, and queued by whichever process runs a runner).
   */
  bulk?: BulkRejections;
  /** Its Prometheus registry (queue depths and admin requests); made here when not given. */
  metrics?: AdminMetrics;
  /** Where the built console is (apps/console/dist when not given). */
  consoleDir?: string;
}

/** The operators' HTTP API. It listens on its own port (ADMIN_PORT), never on the public one. */
export function createAdminApp(deps: AdminAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = deps.metrics ?? createAdminMetrics(deps);
  const sessions = createAdminSessions(deps.adminToken, deps);
  const auth = createAdminAuth({ token: deps.adminToken, sessions, failures: deps.authFailures, withRedis: deps.withRedis, logger: deps.logger });
  app.use(adminAccessLog(deps.logger));
  app.use(metrics.countRequests);
  // Prometheus scrapes with the same bearer token (prometheus.yml: authorization.credentials_file).
  app.get('/metrics', auth.requireAdmin, metrics.serve);
  // Liveness for the orchestrator; says nothing about the data, so it needs no token.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness, no token: Redis's primary and Postgres's answer; the read replica's state is in the answer but does
  // not decide it (readiness.ts). 503 + Retry-After while a store cannot be reached, as for any admin request.
  app.get('/readyz', async (_req, res) => {
    const ready = await readiness(deps);
    if (ready.status !== 'ready') res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    res.status(ready.status === 'ready' ? 200 : 503).json(ready);
  });
  registerLoginRoutes(app, deps, auth, sessions);
  app.use('/admin', auth.requireAdmin);
  app.use('/admin', express.json({ limit: '10mb' }));

  app.post('/admin/advertisers', async (req, res) => {
    res.status(201).json(await adminActions.createAdvertiser(deps, actorOf(res), req.body));
  });
  app.get('/admin/advertisers', async (req, res) => {
    res.json(await listAdvertisers(deps.prisma, req.query));
  });
  app.get('/admin/advertisers/:id', async (req, res) => {
    res.json(await showAdvertiser(deps.prisma, req.params.id));
  });
  app.post('/admin/offers', async (req, res) => {
    res.status(201).json(await adminActions.createOffer(deps, actorOf(res), req.body));
  });
  app.get('/admin/offers', async (req, res) => {
    res.json(await listOffers(deps.prisma, req.query));
  });
  app.get('/admin/offers/:id', async (req, res) => {
    res.json(await showOffer(deps.prisma, req.params.id));
  });
  app.post('/admin/rejection-endpoints', async (req, res) => {
    res.status(201).json(await adminActions.createRejectionEndpoint(deps, actorOf(res), req.body));
  });
  app.get('/admin/rejection-endpoints', async (req, res) => {
    res.json(await listRejectionEndpoints(deps.prisma, deps.reads, req.query));
  });
  app.post('/admin/rejection-endpoints/:id/rotate', async (req, res) => {
    res.status(201).json(await adminActions.rotateRejectionEndpoint(deps, actorOf(res), req.params.id, req.body));
  });
  app.delete('/admin/rejection-endpoints/:id', async (req, res) => {
    res.json(await adminActions.revokeRejectionEndpoint(deps, actorOf(res), req.params.id));
  });
  app.post('/admin/conversions', async (req, res) => {
    res.status(201).json(await adminActions.importConversions(deps, actorOf(res), req.body));
  });
  app.get('/admin/conversions/:transactionId', async (req, res) => {
    res.json(await showConversion(deps.prisma, req.params.transactionId));
  });
  registerAffiliateRoutes(app, deps);
  app.get('/admin/postbacks', async (req, res) => {
    res.json(await searchPostbackLog(deps.reads, req.query));
  });
  registerPostbackLogCsv(app, deps, deps.logger);
  app.get('/admin/postbacks/:id', async (req, res) => {
    res.json(await showPostback(deps, req.params.id));
  });
  app.get('/admin/refusals', async (req, res) => {
    res.json(await listRefusals(deps, req.query));
  });
  app.get('/admin/dlq', async (req, res) => {
    res.json(await listDeadLetters(deps, req.query));
  });
  app.delete('/admin/dlq/:id', async (req, res) => {
    res.json(await adminActions.deleteDeadLetter(deps, actorOf(res), req.params.id, req.query));
  });
  app.get('/admin/shard-layouts', async (_req, res) => {
    res.json(await listShardLayouts(deps));
  });
  app.delete('/admin/shard-layouts/:shards', async (req, res) => {
    res.json(await adminActions.forgetShardLayout(deps, actorOf(res), req.params.shards));
  });
  app.get('/admin/audit', async (req, res) => {
    res.json(await searchAudit(deps.reads, req.query));
  });
  // Made once, when first asked for: the routes and schemas it describes do not change while the process runs.
  let openApi: ReturnType<typeof createAdminOpenApi> | undefined;
  app.get('/admin/openapi.json', (_req, res) => {
    res.json((openApi ??= createAdminOpenApi()));
  });
  registerDlqRoutes(app, deps, deps.replays ?? createDlqReplays(deps, deps.logger));
  registerReportRoutes(app, deps);
  registerBulkRoutes(app, deps, deps.bulk ?? createBulkRejections(deps));
  registerConsole(app, deps.consoleDir);
  // Last of the /admin/dlq/* GETs: /admin/dlq/replays and the old page's /admin/dlq/console are not an entry's id.
  app.get('/admin/dlq/:id', async (req, res) => {
    res.json(await showDeadLetter(deps, req.params.id, req.query));
  });
  mountQueueDashboard(app, deps);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(adminErrorHandler(deps.logger));
  return app;
}
