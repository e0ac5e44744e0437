import { collectDefaultMetrics } from 'prom-client';
import { createLogger, loadConfigOrExit, serveMetrics } from '@postback/core';
import { gracefulClose } from './gracefulClose.js';
import { createReceiver } from './receiver.js';
import { createReceiverServer } from './server.js';

const cfg = loadConfigOrExit();
const logger = createLogger('receiver', cfg.LOG_LEVEL);
// Access log lines go out in 4 kB writes (one write() per request is measurable at burst rates), and at least
// once a second when traffic is light; every other line is written at once.
const accessLogger = createLogger('receiver', cfg.LOG_LEVEL, { buffered: true });
setInterval(() => accessLogger.flush(), 1000).unref();
const receiver = createReceiver(cfg, logger, accessLogger);
const server = createReceiverServer(cfg, receiver.app);
const closeServer = gracefulClose(server);
// Listen once Redis is up, or after a while without it: then requests get 503 and /readyz reports it.
await Promise.race([receiver.ready().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
server.listen(cfg.PORT, cfg.HOST, () => logger.info({ port: cfg.PORT, tls: cfg.TLS_CERT_FILE !== undefined }, 'receiver listening'));
// Prometheus metrics on a port of their own, never on the public one.
collectDefaultMetrics({ register: receiver.metrics.registry });
const metricsServer = serveMetrics(receiver.metrics.registry, { port: cfg.RECEIVER_METRICS_PORT, host: cfg.HOST, logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'receiver stopping: refusing new connections, finishing in-flight requests');
  setTimeout(() => {
    logger.error('shutdown timed out; exiting');
    accessLogger.flush(() => process.exit(1));
  }, cfg.SHUTDOWN_TIMEOUT_MS).unref();
  await closeServer();
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  await receiver.close();
  logger.info('receiver stopped');
  accessLogger.flush(() => process.exit(0));
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
