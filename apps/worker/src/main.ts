import { collectDefaultMetrics } from 'prom-client';
import { createLogger, createMetricsServer, loadConfigOrExit } from '@postback/core';
import { startWorker } from './workerProcess.js';

const cfg = loadConfigOrExit();
const logger = createLogger('worker', cfg.LOG_LEVEL);
const running = startWorker(cfg, logger);
// Prometheus metrics on a port of their own; with several workers, each is scraped (compose: DNS discovery).
const metricsServer =
  cfg.WORKER_METRICS_PORT > 0
    ? createMetricsServer(running.metrics.registry, (err) => logger.warn({ err }, 'metrics failed'))
    : undefined;
if (metricsServer) {
  collectDefaultMetrics({ register: running.metrics.registry });
  // A metrics port already taken costs the metrics, not the consuming: logged, and the process goes on.
  metricsServer.on('error', (err) => logger.error({ err, port: cfg.WORKER_METRICS_PORT }, 'metrics port unavailable; no metrics'));
  metricsServer.listen(cfg.WORKER_METRICS_PORT, cfg.HOST, () =>
    logger.info({ port: cfg.WORKER_METRICS_PORT }, 'metrics listening'),
  );
}

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
