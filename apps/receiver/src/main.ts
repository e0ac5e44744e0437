import { collectDefaultMetrics } from 'prom-client';
import { createLogger, loadConfigOrExit, serveMetrics, stopOnSignals } from '@postback/core';
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
const server = createReceiverServer(cfg, receiver, logger);
const closeServer = gracefulClose(server);
// Listen once Redis is up, or after a while without it: then requests get 503 and /readyz reports it.
await Promise.race([receiver.ready().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
server.listen(cfg.PORT, cfg.HOST, () => logger.info({ port: cfg.PORT, tls: cfg.TLS_CERT_FILE !== undefined }, 'receiver listening'));
// Prometheus metrics on a port of their own, never on the public one.
collectDefaultMetrics({ register: receiver.metrics.registry });
const metricsServer = serveMetrics(receiver.metrics.registry, { port: cfg.RECEIVER_METRICS_PORT, host: cfg.HOST, logger });

stopOnSignals({
  name: 'receiver',
  logger,
  timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS,
  stopping: 'refusing new connections, finishing in-flight requests',
  steps: [
    closeServer,
    () => {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
    },
    () => receiver.close(),
  ],
  // Whatever access lines are still buffered go out before the process ends, on a timeout too.
  flush: (done) => accessLogger.flush(done),
});
