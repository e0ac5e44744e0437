import { createServer, type Server } from 'node:http';

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
