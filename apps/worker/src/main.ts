import {
  createDeadLetterQueue,
  createLogger,
  createPostbackQueue,
  createPrisma,
  createWorkerRedis,
  KeyRegistry,
  loadConfig,
  syncKeyRegistry,
} from '@postback/core';
import { sweepFailedJobs } from './deadLetter.js';
import { createPostbackWorker } from './postbackWorker.js';

const cfg = loadConfig();
const logger = createLogger('worker', cfg.LOG_LEVEL);
const redis = createWorkerRedis(cfg.REDIS_URL);
const prisma = createPrisma(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
const queue = createPostbackQueue(cfg, redis);
const deadLetters = createDeadLetterQueue(cfg, redis);
const registry = new KeyRegistry(redis, cfg.QUEUE_PREFIX);

const worker = createPostbackWorker({ cfg, connection: redis, prisma, queue, deadLetters, logger });
worker.on('ready', () => logger.info({ concurrency: cfg.WORKER_CONCURRENCY }, 'worker consuming'));

// Housekeeping that any number of workers may run at once: both steps are idempotent.
async function housekeeping(): Promise<void> {
  try {
    const active = await syncKeyRegistry(prisma, registry);
    const swept = await sweepFailedJobs(queue, deadLetters, logger);
    logger.debug({ active_keys: active, swept }, 'housekeeping done');
  } catch (err) {
    logger.warn({ err }, 'housekeeping failed; will try again');
  }
}
void housekeeping();
const housekeepingTimer = setInterval(() => void housekeeping(), cfg.KEY_REGISTRY_SYNC_MS);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker stopping: finishing active jobs');
  clearInterval(housekeepingTimer);
  const timer = setTimeout(() => {
    logger.error('shutdown timed out; exiting (unfinished jobs return to the queue as stalled)');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  await worker.close();
  await Promise.all([queue.close(), deadLetters.close()]);
  await prisma.$disconnect();
  redis.disconnect();
  logger.info('worker stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
