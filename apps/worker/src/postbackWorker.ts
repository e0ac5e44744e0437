import { Worker, type ConnectionOptions } from 'bullmq';
import {
  endpointIdOf,
  moveToDeadLetter,
  PermanentJobError,
  postbackJobSchema,
  postbacksOf,
  TransientStoreError,
  type Config,
  type Logger,
  type Outcome,
  type Postback,
  type PostbackJob,
  type PostbackShard,
  type PostbackShards,
} from '@postback/core';
import type { Backlog } from './backlog.js';
import type { WorkerMetrics } from './metrics.js';
import type { PostbackApplier } from './postbackApplier.js';
import { decideSplit } from './splitDecision.js';

type WorkerConfig = Pick<Config, 'STORE_OUTAGE_PAUSE_MS'>;

export interface PostbackWorkerDeps {
  cfg: WorkerConfig;
  connection: ConnectionOptions;
  /** The shard this worker consumes, with its dead-letter queue: where a job that failed for good goes. */
  shard: PostbackShard;
  /** Jobs in flight on this shard (see ShardConsumers for how a process's concurrency is shared out). */
  concurrency: number;
  /** Where postbacks split off a failing job are stored again: back on this shard, by the one enqueue path. */
  store: Pick<PostbackShards, 'store'>;
  /** The process's apply batcher, shared by every shard it consumes. */
  applier: PostbackApplier;
  /** Told of each job's postbacks while it runs, so that deliveries give a backlog the right of way. */
  backlog?: Pick<Backlog, 'jobTaken' | 'jobDone'>;
  logger: Logger;
  metrics: WorkerMetrics;
  autorun?: boolean;
}

/** What a finished job reports: how many of its postbacks ended with each outcome, and which were split off. */
export type JobResult = Partial<Record<Outcome | 'split_off', number>>;

/**
 * The BullMQ worker of one shard. A job carries one postback (v: 1) or the postbacks one receiver accepted together
 * (v: 2); each postback goes to the process's applier, which applies the postbacks of all running jobs, of every
 * shard, together in one transaction.
 * - all applied → the job completes (and is removed);
 * - Postgres unreachable → the shard's queue pauses for a while and the job goes back to waiting, spending no
 *   attempt (postbacks it had already applied are recognised as such when it comes back);
 * - some postbacks of a v: 2 job fail → each goes back on the shard as a job of its own (v: 1, under its
 *   postback id), so it retries and, if need be, dead-letters alone; the rest are done;
 * - a v: 1 job fails → BullMQ retries it with exponential backoff and jitter, then it is dead-lettered on its shard;
 * - an unreadable payload, or a postback whose data Postgres refuses (SQLSTATE class 22/23) → dead-lettered at
 *   once (PermanentJobError).
 */
export function createPostbackWorker(deps: PostbackWorkerDeps): Worker<PostbackJob, JobResult> {
  const { cfg, logger, metrics, shard } = deps;
  let outageLogged = false;

  const processJob = async (job: { id?: string; data: unknown; attemptsMade: number }): Promise<JobResult> => {
    const parsed = postbackJobSchema.safeParse(job.data);
    if (!parsed.success) throw new PermanentJobError(`unreadable postback job: ${parsed.error.message}`);
    const postbacks = postbacksOf(parsed.data);
    const attempts = job.attemptsMade + 1;
    const replayed = parsed.data.replayed === true;
    deps.backlog?.jobTaken(postbacks.length);
    const settled = await deps.applier
      .submitAll(postbacks.map((postback) => ({ postback, attempts, shard: shard.tag, replayed })))
      .finally(() => deps.backlog?.jobDone(postbacks.length));

    const decision = decideSplit(settled, parsed.data.v);
    if (decision.kind === 'outage' || decision.kind === 'retry') throw decision.error;
    // A line per postback at debug level only when it is on: its fields would be built for each of 500 otherwise.
    const debug = logger.isLevelEnabled('debug');
    settled.forEach((s, i) => {
      if (s.status !== 'fulfilled') return;
      const p = postbacks[i]!;
      // Worth a line each: a revoked key still being used is the operator's business (and rare).
      if (s.value === 'revoked') {
        logger.warn({ postback_id: p.postbackId, endpoint_id: endpointIdOf(p) }, 'postback received after its key was revoked: not applied');
      } else if (debug) {
        logger.debug({ postback_id: p.postbackId, outcome: s.value }, 'postback applied');
      }
    });
    const result: JobResult = { ...decision.outcomes };
    // One info line per applied job, not per postback: a job carries up to 500 of them, and their ids all start
    // with the job id's first 32 hex digits (see batchIds), so grepping a postback id's first 32 digits finds it.
    const logApplied = () =>
      logger.info({ job_id: job.id, shard: shard.tag, attempt: attempts, postbacks: postbacks.length, outcomes: result }, 'job applied');
    if (decision.kind === 'done') {
      logApplied();
      return result;
    }
    const failed: Array<{ postback: Postback; error: unknown }> = decision.failed.map(({ index, error }) => ({
      postback: postbacks[index]!,
      error,
    }));
    const fates = await deps.store.store(
      failed.map(({ postback }) => ({
        jobId: postback.postbackId,
        data: { v: 1 as const, ...postback, ...(replayed ? { replayed: true as const } : {}) },
        ownShard: shard.tag,
      })),
    );
    // Not stored: the whole job retries (its applied postbacks are recognised as such when it comes back).
    const notStored = fates.find((fate) => fate.status === 'rejected');
    if (notStored) throw notStored.reason;
    for (const { postback, error } of failed) {
      logger.warn({ postback_id: postback.postbackId, job_id: job.id, err: error }, 'postback failed; retrying it as a job of its own');
    }
    result.split_off = failed.length;
    metrics.retried(shard.tag, 'split_off', failed.length);
    logApplied();
    return result;
  };

  const worker: Worker<PostbackJob, JobResult> = new Worker<PostbackJob, JobResult>(
    shard.queue.name,
    async (job) => {
      try {
        const result = await processJob(job);
        outageLogged = false;
        return result;
      } catch (err) {
        if (!(err instanceof TransientStoreError)) throw err;
        if (!outageLogged) logger.error({ err, shard: shard.tag }, 'postgres unreachable: pausing the queue, no attempts spent');
        outageLogged = true;
        await worker.rateLimit(cfg.STORE_OUTAGE_PAUSE_MS);
        throw Worker.RateLimitError();
      }
    },
    {
      connection: deps.connection,
      prefix: shard.tag,
      concurrency: deps.concurrency,
      autorun: deps.autorun ?? true,
      // Applied postbacks live on in postback_log; keeping them in Redis too would only grow memory.
      removeOnComplete: { count: 0 },
      // removeOnFail stays unset: a failed job is kept until moveToDeadLetter has copied it.
    },
  );

  worker.on('failed', (job, err) => {
    // BullMQ emits 'failed' for every failed attempt; finishedOn is set only once it will not retry.
    if (!job) return;
    if (!job.finishedOn) {
      logger.warn({ job_id: job.id, shard: shard.tag, attempt: job.attemptsMade, err: err.message }, 'attempt failed; will retry');
      metrics.retried(shard.tag, 'attempt');
      return;
    }
    moveToDeadLetter(shard.pair, job, err).then(
      (moved) => {
        // Not moved: a sweep moved it first.
        if (!moved) return;
        metrics.deadLettered(shard.tag);
        logger.error({ job_id: job.id, shard: shard.tag, reason: job.failedReason }, 'job dead-lettered');
      },
      (moveErr: unknown) => logger.error({ job_id: job.id, shard: shard.tag, err: moveErr }, 'dead-letter move failed; sweep will retry'),
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  return worker;
}
