import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Config } from './config.js';
import type { DeadLetterData } from './deadLetter/index.js';
import { POSTBACK_JOB_NAME, postbackJobSchema, type PostbackJob } from './postbackJob.js';
import { shardOfTransaction } from './shardOfTransaction.js';

export type PostbackQueue = Queue<PostbackJob>;
export type DeadLetterQueue = Queue<DeadLetterData>;

/**
 * The hash tag of shard `index` of a layout of `shards` shards. One shard keeps the control tag itself
 * (QUEUE_PREFIX, `{postback}`), so the queues of an installation from before shards keep their names; with more, shard
 * i is the control tag's name with `-i` (`{postback-0}`, `{postback-1}`, …), a tag of its own that a Redis Cluster
 * places by itself. Shard i has the same tag in every layout of more than one shard: a layout of 2 shares
 * `{postback-0}` and `{postback-1}` with a layout of 3.
 */
export function shardTag(controlTag: string, index: number, shards: number): string {
  return shards === 1 ? controlTag : `${controlTag.slice(0, -1)}-${index}}`;
}

/** The hash tags of every shard of a layout, shard 0 first. */
export function shardTagsOf(controlTag: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => shardTag(controlTag, i, shards));
}

/** The shards of `layout` that no layout of `others` has (the only ones that forgetting `layout` leaves unconsumed). */
export function shardsOnlyIn(controlTag: string, layout: number, others: readonly number[]): string[] {
  const kept = new Set(others.filter((n) => n !== layout).flatMap((n) => shardTagsOf(controlTag, n)));
  return shardTagsOf(controlTag, layout).filter((tag) => !kept.has(tag));
}

type CatalogConfig = Pick<Config, 'QUEUE_PREFIX' | 'QUEUE_SHARDS' | 'QUEUE_NAME' | 'DEAD_LETTER_QUEUE_NAME' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;

/**
 * Every queue of the pipeline, in one place: where each lives (its hash tag), its name, what its jobs carry, their
 * retry policy and where they go when they fail for good. Apps ask this for a queue; nobody spells a name twice.
 *
 * - `control` is QUEUE_PREFIX's slot: what must be one for the whole system stays there, whatever the shards (the
 *   admission script with every key's rate limit and the one receipt sequence, the key registry, the job-move locks,
 *   the shard layouts, the maintenance queue).
 * - `postback` is sharded: QUEUE_NAME and its dead-letter queue DEAD_LETTER_QUEUE_NAME under each shard's tag.
 * - the maintenance queue (below: MAINTENANCE_QUEUE_NAME) is one, in the control slot.
 */
export interface QueueCatalog {
  control: string;
  /** This process's layout: how many shards it puts new postbacks on (QUEUE_SHARDS). */
  shards: number;
  postback: {
    queueName: string;
    deadLetterName: string;
    jobName: string;
    schema: typeof postbackJobSchema;
    /** Attempts and backoff, then the shard's dead-letter queue. */
    options: (jobId: string) => JobsOptions;
  };
  /** The shard a transaction's postbacks go to under this process's layout (see shardOfTransaction). */
  shardOf: (transactionId: string) => string;
  /** This process's shards, shard 0 first. */
  ownShards: () => string[];
}

export function queueCatalog(cfg: CatalogConfig): QueueCatalog {
  const control = cfg.QUEUE_PREFIX;
  const own = shardTagsOf(control, cfg.QUEUE_SHARDS);
  return {
    control,
    shards: cfg.QUEUE_SHARDS,
    postback: {
      queueName: cfg.QUEUE_NAME,
      deadLetterName: cfg.DEAD_LETTER_QUEUE_NAME,
      jobName: POSTBACK_JOB_NAME,
      schema: postbackJobSchema,
      options: (jobId) => postbackJobOptions(cfg, jobId),
    },
    shardOf: (transactionId) => own[shardOfTransaction(transactionId, cfg.QUEUE_SHARDS)]!,
    ownShards: () => [...own],
  };
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

/**
 * Periodic upkeep (the postback-log retention) runs as jobs of this queue, in the control slot: a BullMQ job
 * scheduler adds one job per interval however many workers there are, and one worker takes it.
 */
export const MAINTENANCE_QUEUE_NAME = 'maintenance';
export type MaintenanceQueue = Queue<Record<string, never>>;

export function createMaintenanceQueue(cfg: Pick<Config, 'QUEUE_PREFIX'>, connection: ConnectionOptions): MaintenanceQueue {
  return new Queue<Record<string, never>>(MAINTENANCE_QUEUE_NAME, { connection, prefix: cfg.QUEUE_PREFIX });
}
