import { collectDefaultMetrics } from 'prom-client';
import { createLogger, loadConfigOrExit, serveMetrics, stopOnSignals } from '@postback/core';
import { startWorker } from './workerProcess.js';

const cfg = loadConfigOrExit();
const logger = createLogger('worker', cfg.LOG_LEVEL);
const running = startWorker(cfg, logger);
// Prometheus metrics on a port of their own; with several workers, each is scraped (compose: DNS discovery).
collectDefaultMetrics({ register: running.metrics.registry });
const metricsServer = serveMetrics(running.metrics.registry, { port: cfg.WORKER_METRICS_PORT, host: cfg.HOST, logger });

stopOnSignals({
  name: 'worker',
  logger,
  timeoutMs: cfg.SHUTDOWN_TIMEOUT_MS,
  stopping: 'finishing active jobs',
  leftBehind: 'unfinished jobs return to the queue as stalled',
  steps: [
    () => running.close(),
    () => {
      metricsServer?.close();
      metricsServer?.closeAllConnections();
    },
  ],
});
