import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from './config.js';
import { JobMoveLock, type DeadLetterData, type DeadLetterPair } from './deadLetter/index.js';
import { POSTBACK_JOB_NAME, postbackJobSchema, type PostbackJob } from './postbackJob.js';
import type { RedisConnection } from './redis.js';

export type PostbackQueue = Queue<PostbackJob>;
export type DeadLetterQueue = Queue<DeadLetterData>;

type QueueConfig = Pick<Config, 'QUEUE_PREFIX' | 'QUEUE_NAME' | 'DEAD_LETTER_QUEUE_NAME'>;

export function createPostbackQueue(cfg: QueueConfig, connection: ConnectionOptions): PostbackQueue {
  return new Queue<PostbackJob>(cfg.QUEUE_NAME, { connection, prefix: cfg.QUEUE_PREFIX });
}

export function createDeadLetterQueue(cfg: QueueConfig, connection: ConnectionOptions): DeadLetterQueue {
  return new Queue<DeadLetterData>(cfg.DEAD_LETTER_QUEUE_NAME, { connection, prefix: cfg.QUEUE_PREFIX });
}

/**
 * Options of every postback job. The job id is fixed by its postbacks' ids (see batchIds), so re-adding the same
 * job, as a replay does, is a no-op while the first copy is still queued. Completed jobs are removed by the
 * worker (removeOnComplete there), which keeps that out of each job's stored options.
 */
export function postbackJobOptions(cfg: Pick<Config, 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: cfg.JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: cfg.JOB_BACKOFF_MS, jitter: 0.5 },
  };
}

export type PostbackDeadLetterPair = DeadLetterPair<PostbackJob>;

/** The postback queue and its dead-letter queue, for the dead-letter protocol (worker: moves in; admin: replays). */
export function postbackDeadLetterPair(
  cfg: Pick<Config, 'QUEUE_PREFIX' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>,
  queues: { queue: PostbackQueue; deadLetters: DeadLetterQueue },
  redis: RedisConnection,
): PostbackDeadLetterPair {
  return {
    source: queues.queue,
    deadLetters: queues.deadLetters,
    kind: { name: POSTBACK_JOB_NAME, schema: postbackJobSchema, options: (jobId) => postbackJobOptions(cfg, jobId) },
    lock: new JobMoveLock(redis, cfg.QUEUE_PREFIX),
  };
}

/**
 * Periodic upkeep (the postback-log retention) runs as jobs of this queue, under the same prefix as the others:
 * a BullMQ job scheduler adds one job per interval however many workers there are, and one worker takes it.
 */
export const MAINTENANCE_QUEUE_NAME = 'maintenance';
export type MaintenanceQueue = Queue<Record<string, never>>;

export function createMaintenanceQueue(cfg: Pick<Config, 'QUEUE_PREFIX'>, connection: ConnectionOptions): MaintenanceQueue {
  return new Queue<Record<string, never>>(MAINTENANCE_QUEUE_NAME, { connection, prefix: cfg.QUEUE_PREFIX });
}
