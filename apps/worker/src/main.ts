import { createLogger, loadConfigOrExit } from '@postback/core';
import { startWorker } from './workerProcess.js';

const cfg = loadConfigOrExit();
const logger = createLogger('worker', cfg.LOG_LEVEL);
const running = startWorker(cfg, logger);

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
  logger.info('worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
