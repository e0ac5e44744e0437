import type { Worker } from 'bullmq';
import {
  createDeadLetterQueue,
  createPostbackQueue,
  createPrisma,
  createWorkerRedis,
  KeyRegistry,
  pingPrimary,
  postbackDeadLetterPair,
  sweepFailedJobs,
  syncKeyRegistry,
  type Config,
  type Logger,
  type PostbackJob,
} from '@postback/core';
import { startHeartbeat } from './heartbeat.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import { createPostbackWorker, type JobResult } from './postbackWorker.js';
import { startRetentionSchedule } from './retentionSchedule.js';

export interface WorkerProcess {
  worker: Worker<PostbackJob, JobResult>;
  /** Its Prometheus registry: main.ts serves it on WORKER_METRICS_PORT. */
  metrics: WorkerMetrics;
  /** Lets active jobs finish, then closes every connection. */
  close: () => Promise<void>;
}

/** Wires a worker to Redis and Postgres and starts consuming, plus the periodic housekeeping. */
export function startWorker(cfg: Config, logger: Logger): WorkerProcess {
  // Auto-pipelining: the completions of hundreds of concurrent jobs go to Redis in one write, not one each.
  const redis = createWorkerRedis(cfg, { enableAutoPipelining: true });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  const prisma = createPrisma(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  const queue = createPostbackQueue(cfg, redis);
  const deadLetters = createDeadLetterQueue(cfg, redis);
  for (const q of [queue, deadLetters]) q.on('error', (err: Error) => logger.warn({ err: err.message }, 'queue error'));
  const registry = new KeyRegistry(redis, cfg.QUEUE_PREFIX);
  const metrics = createWorkerMetrics();
  const deadLetterPair = postbackDeadLetterPair(cfg, { queue, deadLetters }, redis);
  const worker = createPostbackWorker({ cfg, connection: redis, prisma, queue, deadLetterPair, revocations: registry, logger, metrics });
  metrics.consumingWhile(() => worker.isRunning() && redis.status === 'ready');
  worker.on('ready', () => logger.info({ concurrency: cfg.WORKER_CONCURRENCY }, 'worker consuming'));

  // Housekeeping any number of workers may run at once: both steps are idempotent. Each has its own try: the
  // sweep needs only Redis, so a Postgres outage (which fails the sync) must not stop it.
  const housekeeping = async () => {
    try {
      const activeKeys = await syncKeyRegistry(prisma, registry);
      logger.debug({ active_keys: activeKeys }, 'key registry synced');
    } catch (err) {
      logger.warn({ err }, 'key registry sync failed; will try again');
    }
    try {
      const swept = await sweepFailedJobs(deadLetterPair, (job) =>
        logger.warn({ postback_id: job.id, reason: job.failedReason }, 'dead-lettered (sweep)'),
      );
      logger.debug({ swept }, 'failed jobs swept');
    } catch (err) {
      logger.warn({ err }, 'dead-letter sweep failed; will try again');
    }
  };
  void housekeeping();
  const timer = setInterval(() => void housekeeping(), cfg.KEY_REGISTRY_SYNC_MS);
  const retention = startRetentionSchedule(cfg, redis, prisma, logger);

  // Liveness is Redis and the consuming loop, not Postgres: during a Postgres outage the worker pauses on
  // purpose, and a restart would not help.
  const stopHeartbeat = cfg.WORKER_HEARTBEAT_FILE
    ? startHeartbeat(cfg.WORKER_HEARTBEAT_FILE, cfg.WORKER_HEARTBEAT_MS, async () => {
        if (!worker.isRunning() || redis.status !== 'ready') return false;
        await pingPrimary(redis, cfg.QUEUE_PREFIX);
        return true;
      })
    : () => undefined;

  return {
    worker,
    metrics,
    async close() {
      stopHeartbeat();
      clearInterval(timer);
      await Promise.all([worker.close(), retention.close()]);
      await Promise.all([queue.close(), deadLetters.close()]);
      await prisma.$disconnect();
      redis.disconnect();
    },
  };
}
