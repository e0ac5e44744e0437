import { collectDefaultMetrics } from 'prom-client';
import { createLogger, loadConfigOrExit, serveMetrics } from '@postback/core';
import { startWorker } from './workerProcess.js';

const cfg = loadConfigOrExit();
const logger = createLogger('worker', cfg.LOG_LEVEL);
const running = startWorker(cfg, logger);
// Prometheus metrics on a port of their own; with several workers, each is scraped (compose: DNS discovery).
collectDefaultMetrics({ register: running.metrics.registry });
const metricsServer = serveMetrics(running.metrics.registry, { port: cfg.WORKER_METRICS_PORT, host: cfg.HOST, logger });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker stopping: finishing active jobs');
  setTimeout(() => {
    logger.error('shutdown timed out; exiting (unfinished jobs return to the queue as stalled)');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS).unref();
  await running.close();
  metricsServer?.close();
  metricsServer?.closeAllConnections();
  logger.info('worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
