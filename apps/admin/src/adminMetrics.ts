import type { RequestHandler } from 'express';
import { Counter, Registry } from 'prom-client';
import { registerQueueMetrics } from './queueMetrics.js';
import { registerReadReplicaMetrics } from './readReplicaMetrics.js';
import type { AdminDeps } from './wiring/adminDeps.js';

export interface AdminMetrics {
  registry: Registry;
  /** Middleware: counts every answer by method, route pattern and status. */
  countRequests: RequestHandler;
  /** GET /metrics: the exposition text (the token check comes before it). */
  serve: RequestHandler;
}

/** The admin process's metrics: queue depths for the whole pipeline, the read replica's lag, and its own requests. */
export function createAdminMetrics(deps: Pick<AdminDeps, 'shards' | 'deliveryQueues' | 'withRedis' | 'reads'>): AdminMetrics {
  const registry = new Registry();
  registerQueueMetrics(registry, deps);
  registerReadReplicaMetrics(registry, deps);
  const requests = new Counter({
    name: 'postback_admin_requests_total',
    help: 'Requests answered by the admin API, by method, route pattern and HTTP status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  return {
    registry,
    countRequests(req, res, next) {
      // The admin API is no hot path: a 'finish' listener sees every answer, errors and 404s included.
      res.on('finish', () => {
        // The route pattern, not the URL: ids in paths would make a series per id.
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        requests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    async serve(_req, res) {
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    },
  };
}
