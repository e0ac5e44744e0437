import { createServer, type Server } from 'node:http';
import type { Logger } from './logger.js';

/** What a metrics registry offers (prom-client's Registry has both); core itself does not depend on prom-client. */
export interface MetricsSource {
  contentType: string;
  metrics: () => Promise<string>;
}

/**
 * A plain HTTP server that answers GET /metrics with `source`'s exposition text and 404 to anything else. It is
 * the receiver's and the worker's metrics port: apart from the public port, meant for the internal network only,
 * so it asks for no token. Listens on nothing yet.
 */
export function createMetricsServer(source: MetricsSource, onError: (err: unknown) => void): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': source.contentType }).end(text),
      (err: unknown) => {
        onError(err);
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
}

/**
 * Serves `source` on `port` (0: no metrics, undefined returned). A port already taken costs the metrics, not the
 * process's work: it is logged, and the process goes on. Returns the server, for closing at shutdown.
 */
export function serveMetrics(
  source: MetricsSource,
  { port, host, logger }: { port: number; host: string; logger: Pick<Logger, 'info' | 'warn' | 'error'> },
): Server | undefined {
  if (port === 0) return undefined;
  const server = createMetricsServer(source, (err) => logger.warn({ err }, 'metrics failed'));
  server.on('error', (err) => logger.error({ err, port }, 'metrics port unavailable; no metrics'));
  server.listen(port, host, () => logger.info({ port }, 'metrics listening'));
  return server;
}
