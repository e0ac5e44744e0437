import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from '@postback/core';
import { AdminInputError, NotFoundError, storeOutage } from './adminErrors.js';
import { createAdminMetrics, type AdminMetrics } from './adminMetrics.js';
import { createTokenCheck } from './adminToken.js';
import type { AdminDeps } from './services/adminDeps.js';
import { createAdvertiser, createOffer } from './services/advertisers.js';
import { importConversions, showConversion } from './services/conversions.js';
import { deleteDeadLetter, listDeadLetters, replayDeadLetters } from './services/deadLetters.js';
import { showPostback } from './services/postbacks.js';
import { createRejectionEndpoint, revokeRejectionEndpoint } from './services/rejectionEndpoints.js';

// Seconds an operator's script should wait before retrying while Postgres or Redis is unreachable.
const STORE_RETRY_AFTER_SECONDS = 5;

export interface AdminAppDeps extends AdminDeps {
  adminToken: string;
  logger: Logger;
  /** Its Prometheus registry (queue depths and admin requests); made here when not given. */
  metrics?: AdminMetrics;
}

/** The operators' HTTP API. It listens on its own port (ADMIN_PORT), never on the public one. */
export function createAdminApp(deps: AdminAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = deps.metrics ?? createAdminMetrics(deps);
  app.use(metrics.countRequests);
  // Prometheus scrapes with the same bearer token (prometheus.yml: authorization.credentials_file).
  app.get('/metrics', requireToken(deps.adminToken), metrics.serve);
  // Liveness for the orchestrator; says nothing about the data, so it needs no token.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/admin', requireToken(deps.adminToken));
  app.use('/admin', express.json({ limit: '10mb' }));

  app.post('/admin/advertisers', async (req, res) => {
    res.status(201).json(await createAdvertiser(deps.prisma, req.body));
  });
  app.post('/admin/offers', async (req, res) => {
    res.status(201).json(await createOffer(deps.prisma, req.body));
  });
  app.post('/admin/rejection-endpoints', async (req, res) => {
    res.status(201).json(await createRejectionEndpoint(deps, req.body));
  });
  app.delete('/admin/rejection-endpoints/:id', async (req, res) => {
    res.json(await revokeRejectionEndpoint(deps, req.params.id));
  });
  app.post('/admin/conversions', async (req, res) => {
    res.status(201).json(await importConversions(deps.prisma, req.body));
  });
  app.get('/admin/conversions/:transactionId', async (req, res) => {
    res.json(await showConversion(deps.prisma, req.params.transactionId));
  });
  app.get('/admin/postbacks/:id', async (req, res) => {
    res.json(await showPostback(deps, req.params.id));
  });
  app.get('/admin/dlq', async (req, res) => {
    res.json(await listDeadLetters(deps, req.query));
  });
  app.post('/admin/dlq/replay', async (req, res) => {
    res.json(await replayDeadLetters(deps, req.body));
  });
  app.delete('/admin/dlq/:id', async (req, res) => {
    res.json(await deleteDeadLetter(deps, req.params.id));
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(adminErrorHandler(deps.logger));
  return app;
}

function requireToken(token: string): RequestHandler {
  const matches = createTokenCheck(token);
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const sent = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!matches(sent)) {
      res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'missing or wrong admin token' });
      return;
    }
    next();
  };
}

function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof AdminInputError) {
      return void res.status(400).json(err.field ? { error: err.message, field: err.field } : { error: err.message });
    }
    if (err instanceof NotFoundError) return void res.status(404).json({ error: err.message });
    const outage = storeOutage(err);
    if (outage) {
      logger.warn({ err: outage.cause }, outage.message);
      return void res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS)).status(503).json({ error: outage.message });
    }
    const parserError = err as { type?: string; status?: number };
    if (parserError.type === 'entity.too.large') return void res.status(413).json({ error: 'request body too large' });
    if (parserError.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    logger.error({ err }, 'admin request failed');
    return void res.status(500).json({ error: 'internal error' });
  };
}
