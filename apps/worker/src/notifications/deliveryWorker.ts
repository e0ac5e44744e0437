import { Worker } from 'bullmq';
import { Agent } from 'undici';
import {
  createWorkerRedis,
  DELIVERY_QUEUE_NAME,
  deliveryDeadLetterPair,
  deliveryQueueTag,
  moveToDeadLetter,
  sweepFailedJobs,
  type Config,
  type DeliveryDeadLetterPair,
  type DeliveryJob,
  type Logger,
  type PrismaClient,
} from '@postback/core';
import type { WorkerMetrics } from '../metrics.js';
import { createDeliveryProcessor, type DeliveryJobResult } from './deliveryProcessor.js';
import { DestinationSlots } from './destinationSlots.js';
import type { DrainFirst } from './drainFirst.js';
import { RetryDeliveryError } from './errors/index.js';
import { guardedConnector } from './guardedConnector.js';
import type { Resolver } from './publicAddressGuard.js';
import { retryDelayMs } from './retryPolicy.js';

export interface DeliveryWorkerDeps {
  cfg: Config;
  prisma: PrismaClient;
  logger: Logger;
  metrics: WorkerMetrics;
  /** How host names are resolved for the SSRF guard; the system's by default. */
  resolve?: Resolver;
  /** Gives the drain the right of way: the deliveries' database steps take turns while batches are applied. */
  drainFirst?: DrainFirst;
}

export interface DeliveryWorker {
  worker: Worker<DeliveryJob, DeliveryJobResult>;
  /** The delivery queue and its dead-letter queue. */
  pair: DeliveryDeadLetterPair;
  /** Lets deliveries in flight finish, then closes its connections. */
  close: () => Promise<void>;
}

/**
 * The delivery worker of one worker process: a BullMQ worker on the delivery queue (DELIVERY_CONCURRENCY jobs at
 * once) on a Redis connection and an HTTP agent of its own, apart from the postback consumers, so a slow affiliate
 * never slows the rejection drain. A job that fails for good (attempts spent, or no retry could help) is moved to
 * the delivery dead-letter queue; a sweep finishes moves a crash cut short, as the shards' housekeeping does.
 */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { cfg, logger, metrics } = deps;
  const redis = createWorkerRedis(cfg);
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'delivery redis connection error'));
  const tag = deliveryQueueTag(cfg.QUEUE_PREFIX);
  const pair = deliveryDeadLetterPair(cfg, redis);
  for (const queue of [pair.source, pair.deadLetters]) queue.on('error', (err) => logger.warn({ err: err.message }, 'delivery queue error'));
  // A slot outlives any attempt (its timeout, then the recording); only a dead worker's waits this out.
  const slots = new DestinationSlots(redis, tag, cfg.DELIVERY_PER_DESTINATION, cfg.DELIVERY_TIMEOUT_MS * 2 + 10_000);
  const dispatcher = new Agent({
    connect: guardedConnector({
      policy: { allowPrivate: cfg.OUTBOUND_ALLOW_PRIVATE, ...(deps.resolve ? { resolve: deps.resolve } : {}) },
      connectTimeoutMs: cfg.DELIVERY_CONNECT_TIMEOUT_MS,
    }),
    connections: cfg.DELIVERY_PER_DESTINATION,
  });
  const processor = createDeliveryProcessor({ cfg, prisma: deps.prisma, slots, dispatcher, logger, metrics, drainFirst: deps.drainFirst });

  const worker = new Worker<DeliveryJob, DeliveryJobResult>(DELIVERY_QUEUE_NAME, processor, {
    connection: redis,
    prefix: tag,
    concurrency: cfg.DELIVERY_CONCURRENCY,
    settings: {
      // The 'delivery' backoff of deliveryJobOptions: exponential with jitter, or the destination's Retry-After.
      backoffStrategy: (attemptsMade, _type, err) =>
        retryDelayMs(attemptsMade, err instanceof RetryDeliveryError ? err.retryAfterMs : undefined, cfg),
    },
  });
  worker.on('failed', (job, err) => {
    // Emitted for every failed attempt; finishedOn is set only once it will not retry.
    if (!job?.finishedOn) return;
    moveToDeadLetter(pair, job, err).then(
      (moved) => {
        if (moved) logger.error({ notification_id: job.data.notificationId, reason: job.failedReason }, 'notification dead-lettered');
      },
      (moveErr: unknown) => logger.error({ job_id: job.id, err: moveErr }, 'delivery dead-letter move failed; sweep will retry'),
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'delivery worker error'));

  const sweep = async () => {
    try {
      await sweepFailedJobs(pair, (job) => logger.warn({ job_id: job.id, reason: job.failedReason }, 'notification dead-lettered (sweep)'));
    } catch (err) {
      logger.warn({ err }, 'delivery dead-letter sweep failed; will try again');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), cfg.KEY_REGISTRY_SYNC_MS);

  return {
    worker,
    pair,
    async close() {
      clearInterval(timer);
      await worker.close();
      await Promise.all([pair.source.close(), pair.deadLetters.close()]);
      await dispatcher.close();
      redis.disconnect();
    },
  };
}
