import type { Worker } from 'bullmq';
import {
  createPrisma,
  createWorkerRedis,
  KeyRegistry,
  pingPrimary,
  PostbackShards,
  sweepFailedJobs,
  syncKeyRegistry,
  type Config,
  type Logger,
  type PostbackJob,
} from '@postback/core';
import { startHeartbeat } from './heartbeat.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import { startOutboxRelay } from './notifications/outboxRelay.js';
import { createPostbackApplier } from './postbackApplier.js';
import type { JobResult } from './postbackWorker.js';
import { ShardConsumers } from './shardConsumers.js';
import { startDeliveryWorker } from './notifications/deliveryWorker.js';
import { DrainFirst } from './notifications/drainFirst.js';
import { startRetentionSchedule } from './retentionSchedule.js';
import { Backlog } from './backlog.js';

// Deliveries' database steps at once while the drain runs, and how long the backlog must stay small to end it.
// Chosen, not tuned: bench --affiliates was not run with other values (README "Performance").
const DELIVERY_STEPS_WHILE_DRAINING = 2;
const DRAIN_QUIET_MS = 500;
// What counts as a drain under way: this many postbacks or more yet to apply (held by the running jobs, or in the
// jobs waiting in the shard queues). Two full batches: traffic one worker keeps up with holds fewer (it applies tens
// of thousands a second, each batch within a few tens of milliseconds), however heavy; a backlog holds more.
const DRAIN_BACKLOG_BATCHES = 2;
// How often the wait lists of the consumed shards are read (one LLEN each).
const BACKLOG_READ_MS = 250;

export interface WorkerProcess {
  /** The BullMQ worker of each shard consumed now (this process's layout's from the start; others once read). */
  workers: () => Array<Worker<PostbackJob, JobResult>>;
  /** The shards consumed now. */
  shards: () => string[];
  /** Reads the announced layouts now and consumes their shards (the housekeeping does it every KEY_REGISTRY_SYNC_MS). */
  refreshShards: () => Promise<void>;
  /** Its Prometheus registry: main.ts serves it on WORKER_METRICS_PORT. */
  metrics: WorkerMetrics;
  /** Lets active jobs finish, then closes every connection. */
  close: () => Promise<void>;
}

/** Wires a worker to Redis and Postgres and starts consuming every shard, plus the periodic housekeeping. */
export function startWorker(cfg: Config, logger: Logger): WorkerProcess {
  // Auto-pipelining: the completions of hundreds of concurrent jobs go to Redis in one write, not one each.
  const redis = createWorkerRedis(cfg, { enableAutoPipelining: true });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  const prisma = createPrisma(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  const shards = new PostbackShards(cfg, redis, {
    role: 'worker',
    onQueueError: (err) => logger.warn({ err: err.message }, 'queue error'),
  });
  const registry = new KeyRegistry(redis, cfg.QUEUE_PREFIX);
  const metrics = createWorkerMetrics();
  // The affiliates' notifications the batches write are handed from the outbox to the delivery queue by the relay.
  // The drain first: while there is a backlog of postbacks to apply, deliveries take their database steps a few at a
  // time, and the relay hands only DELIVERY_RATE_WHILE_DRAINING notifications a second.
  const backlog = new Backlog();
  const drainFirst = new DrainFirst({
    whileDraining: DELIVERY_STEPS_WHILE_DRAINING,
    quietMs: DRAIN_QUIET_MS,
    backlog: () => backlog.postbacks(),
    backlogThreshold: DRAIN_BACKLOG_BATCHES * cfg.WORKER_BATCH_SIZE,
    handsPerSecond: cfg.DELIVERY_RATE_WHILE_DRAINING,
  });
  const relay = startOutboxRelay({ cfg, prisma, connection: redis, logger, metrics, drainFirst });
  const applier = createPostbackApplier({ cfg, prisma, revocations: registry, metrics, relay });
  const consumers = new ShardConsumers({ cfg, shards, connection: redis, applier, backlog, logger, metrics });
  // The waiting jobs are read, not counted: other processes' receivers add them. A failed read keeps the last count.
  const readBacklog = setInterval(() => {
    consumers.waitingJobs().then(
      (jobs) => backlog.waitingInQueues(jobs),
      (err: unknown) => logger.debug({ err }, 'shard wait lists not read'),
    );
  }, BACKLOG_READ_MS);
  readBacklog.unref();
  metrics.backlogWhile(() => ({ postbacks: backlog.postbacks(), draining: drainFirst.draining() }));
  // This process's own layout at once; the shards of other announced layouts (a resharding under way) as soon as
  // the first read of the layouts answers, and again on every housekeeping round.
  void consumers.consume(shards.catalog.ownShards());
  metrics.consumingWhile(() => consumers.consuming());
  Promise.all(consumers.all().map((worker) => worker.waitUntilReady())).then(
    () => logger.info({ layout: cfg.QUEUE_SHARDS, shards: consumers.tags(), concurrency: cfg.WORKER_CONCURRENCY }, 'worker consuming'),
    (err: unknown) => logger.warn({ err }, 'worker not ready'),
  );

  const refreshShards = async () => {
    // Announced first: every worker (of any layout) then consumes this process's layout too.
    await shards.layouts.announce();
    await consumers.consume(await shards.known());
  };

  // Housekeeping any number of workers may run at once: every step is idempotent. Each has its own try: the
  // layouts and the sweep need only Redis, so a Postgres outage (which fails the sync) must not stop them.
  const housekeeping = async () => {
    try {
      await refreshShards();
    } catch (err) {
      logger.warn({ err }, 'shard layouts not read; will try again');
    }
    try {
      const activeKeys = await syncKeyRegistry(prisma, registry);
      logger.debug({ active_keys: activeKeys }, 'key registry synced');
    } catch (err) {
      logger.warn({ err }, 'key registry sync failed; will try again');
    }
    for (const tag of consumers.tags()) {
      try {
        const swept = await sweepFailedJobs(shards.shard(tag).pair, (job) =>
          logger.warn({ postback_id: job.id, shard: tag, reason: job.failedReason }, 'dead-lettered (sweep)'),
        );
        logger.debug({ swept, shard: tag }, 'failed jobs swept');
      } catch (err) {
        logger.warn({ err, shard: tag }, 'dead-letter sweep failed; will try again');
      }
    }
  };
  void housekeeping();
  const timer = setInterval(() => void housekeeping(), cfg.KEY_REGISTRY_SYNC_MS);
  const retention = startRetentionSchedule(cfg, redis, prisma, logger, relay);
  // Affiliate and alert notifications: on connections of their own, apart from the postback consumers. Postgres
  // too: with one shared pool, DELIVERY_CONCURRENCY deliveries' statements queued ahead of the batches'
  // transactions and slowed the rejection drain (bench --affiliates). Committed without waiting for the WAL flush:
  // each delivery commits two or three times, and its backends were seen waiting on WALSync beside the batches'
  // commits; what a Postgres crash could lose of it is redone (a lost claim is claimed again, a lost `delivered`
  // sent again under the same webhook-id once the relay hands it again: at least once, as ever), only the delivery
  // log may then miss that attempt.
  const deliveryPrisma = createPrisma(cfg.DATABASE_URL, cfg.DELIVERY_DATABASE_POOL_SIZE, { asyncCommit: true });
  const delivery = startDeliveryWorker({ cfg, prisma: deliveryPrisma, logger, metrics, drainFirst });

  // Liveness is Redis and the consuming loops, not Postgres: during a Postgres outage the worker pauses on
  // purpose, and a restart would not help.
  const stopHeartbeat = cfg.WORKER_HEARTBEAT_FILE
    ? startHeartbeat(cfg.WORKER_HEARTBEAT_FILE, cfg.WORKER_HEARTBEAT_MS, async () => {
        if (![...consumers.consuming().values()].every(Boolean)) return false;
        await pingPrimary(redis, cfg.QUEUE_PREFIX);
        return true;
      })
    : () => undefined;

  return {
    workers: () => consumers.all(),
    shards: () => consumers.tags(),
    refreshShards,
    metrics,
    async close() {
      stopHeartbeat();
      clearInterval(timer);
      clearInterval(readBacklog);
      await Promise.all([consumers.close(), retention.close(), delivery.close()]);
      // After the consumers and the maintenance: nothing kicks it any more.
      await relay.close();
      await shards.layouts.leave().catch(() => undefined);
      await shards.close();
      await Promise.all([prisma.$disconnect(), deliveryPrisma.$disconnect()]);
      redis.disconnect();
    },
  };
}
