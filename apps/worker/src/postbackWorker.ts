import { Worker, type ConnectionOptions } from 'bullmq';
import {
  isRefusedData,
  moveToDeadLetter,
  PermanentJobError,
  POSTBACK_JOB_NAME,
  postbackJobOptions,
  postbackJobSchema,
  postbacksOf,
  TransientStoreError,
  type Config,
  type Logger,
  type Outcome,
  type Postback,
  type PostbackDeadLetterPair,
  type PostbackJob,
  type PostbackQueue,
  type PrismaClient,
} from '@postback/core';
import { ApplyBatcher } from './applyBatcher.js';
import { applyRejections, type PostbackToApply } from './applyRejections.js';
import type { RevocationsInRedis } from './keyRevocations.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import { decideSplit } from './splitDecision.js';
import { createStoreProbe } from './storeProbe.js';

type WorkerConfig = Pick<
  Config,
  | 'QUEUE_NAME'
  | 'QUEUE_PREFIX'
  | 'WORKER_CONCURRENCY'
  | 'WORKER_BATCH_SIZE'
  | 'WORKER_BATCH_WAIT_MS'
  | 'WORKER_BATCHES_IN_FLIGHT'
  | 'STORE_OUTAGE_PAUSE_MS'
  | 'DATABASE_URL'
  | 'JOB_ATTEMPTS'
  | 'JOB_BACKOFF_MS'
>;

export interface PostbackWorkerDeps {
  cfg: WorkerConfig;
  connection: ConnectionOptions;
  prisma: PrismaClient;
  queue: PostbackQueue;
  /** Where each batch reads the revocations Redis already has and Postgres may not yet (the key registry). */
  revocations: RevocationsInRedis;
  /** The main queue and its dead-letter queue: where a job that failed for good goes. */
  deadLetterPair: PostbackDeadLetterPair;
  logger: Logger;
  autorun?: boolean;
  /** Where outcomes, latencies, retries and database errors are counted; a registry nobody reads when not given. */
  metrics?: WorkerMetrics;
}

/** What a finished job reports: how many of its postbacks ended with each outcome, and which were split off. */
export type JobResult = Partial<Record<Outcome | 'split_off', number>>;

/**
 * The BullMQ worker. A job carries one postback (v: 1) or the postbacks one receiver accepted together (v: 2);
 * each postback goes to the batcher, which applies the postbacks of all running jobs together in one transaction.
 * - all applied → the job completes (and is removed);
 * - Postgres unreachable → the whole queue pauses for a while and the job goes back to waiting, spending no
 *   attempt (postbacks it had already applied are recognised as such when it comes back);
 * - some postbacks of a v: 2 job fail → each goes back on the queue as a job of its own (v: 1, under its
 *   postback id), so it retries and, if need be, dead-letters alone; the rest are done;
 * - a v: 1 job fails → BullMQ retries it with exponential backoff and jitter, then it is dead-lettered;
 * - an unreadable payload, or a postback whose data Postgres refuses (SQLSTATE class 22/23) → dead-lettered at
 *   once (PermanentJobError).
 */
export function createPostbackWorker(deps: PostbackWorkerDeps): Worker<PostbackJob, JobResult> {
  const { cfg, logger } = deps;
  const metrics = deps.metrics ?? createWorkerMetrics();
  const apply = async (items: PostbackToApply[]): Promise<Outcome[]> => {
    const { outcomes, applied } = await applyRejections(deps.prisma, items, deps.revocations);
    // Only what this batch applied: a redelivered or replayed postback was counted when it was first applied.
    metrics.applied(applied);
    return outcomes;
  };
  const batcher = new ApplyBatcher<PostbackToApply, Outcome>(apply, {
    maxSize: cfg.WORKER_BATCH_SIZE,
    maxWaitMs: cfg.WORKER_BATCH_WAIT_MS,
    maxInFlight: cfg.WORKER_BATCHES_IN_FLIGHT,
    isUnreachable: createStoreProbe(cfg.DATABASE_URL),
    isPermanent: isRefusedData,
    onFailure: (unreachable) => metrics.databaseError(unreachable ? 'unreachable' : 'other'),
  });
  let outageLogged = false;

  const processJob = async (job: { id?: string; data: unknown; attemptsMade: number }): Promise<JobResult> => {
    const parsed = postbackJobSchema.safeParse(job.data);
    if (!parsed.success) throw new PermanentJobError(`unreadable postback job: ${parsed.error.message}`);
    const postbacks = postbacksOf(parsed.data);
    const attempts = job.attemptsMade + 1;
    const settled = await Promise.allSettled(postbacks.map((p) => batcher.submit({ ...p, attempts })));

    const decision = decideSplit(settled, parsed.data.v);
    if (decision.kind === 'outage' || decision.kind === 'retry') throw decision.error;
    settled.forEach((s, i) => {
      if (s.status !== 'fulfilled') return;
      const p = postbacks[i]!;
      // Worth a line each: a revoked key still being used is the operator's business (and rare).
      if (s.value === 'revoked') {
        logger.warn({ postback_id: p.postbackId, endpoint_id: p.endpointId }, 'postback received after its key was revoked: not applied');
      } else {
        logger.debug({ postback_id: p.postbackId, outcome: s.value }, 'postback applied');
      }
    });
    const result: JobResult = { ...decision.outcomes };
    // One info line per applied job, not per postback: a job carries up to 500 of them, and their ids all start
    // with the job id's first 32 hex digits (see batchIds), so grepping a postback id's first 32 digits finds it.
    const logApplied = () =>
      logger.info({ job_id: job.id, attempt: attempts, postbacks: postbacks.length, outcomes: result }, 'job applied');
    if (decision.kind === 'done') {
      logApplied();
      return result;
    }
    const failed: Array<{ postback: Postback; error: unknown }> = decision.failed.map(({ index, error }) => ({
      postback: postbacks[index]!,
      error,
    }));
    await deps.queue.addBulk(
      failed.map(({ postback }) => ({
        name: POSTBACK_JOB_NAME,
        data: { v: 1 as const, ...postback },
        opts: postbackJobOptions(cfg, postback.postbackId),
      })),
    );
    for (const { postback, error } of failed) {
      logger.warn({ postback_id: postback.postbackId, job_id: job.id, err: error }, 'postback failed; retrying it as a job of its own');
    }
    result.split_off = failed.length;
    metrics.retried('split_off', failed.length);
    logApplied();
    return result;
  };

  const worker: Worker<PostbackJob, JobResult> = new Worker<PostbackJob, JobResult>(
    cfg.QUEUE_NAME,
    async (job) => {
      try {
        const result = await processJob(job);
        outageLogged = false;
        return result;
      } catch (err) {
        if (!(err instanceof TransientStoreError)) throw err;
        if (!outageLogged) logger.error({ err }, 'postgres unreachable: pausing the queue, no attempts spent');
        outageLogged = true;
        await worker.rateLimit(cfg.STORE_OUTAGE_PAUSE_MS);
        throw Worker.RateLimitError();
      }
    },
    {
      connection: deps.connection,
      prefix: cfg.QUEUE_PREFIX,
      concurrency: cfg.WORKER_CONCURRENCY,
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
      logger.warn({ job_id: job.id, attempt: job.attemptsMade, err: err.message }, 'attempt failed; will retry');
      metrics.retried('attempt');
      return;
    }
    moveToDeadLetter(deps.deadLetterPair, job, err).then(
      (moved) => {
        // Not moved: a sweep moved it first.
        if (!moved) return;
        metrics.deadLettered();
        logger.error({ job_id: job.id, reason: job.failedReason }, 'job dead-lettered');
      },
      (moveErr: unknown) => logger.error({ job_id: job.id, err: moveErr }, 'dead-letter move failed; sweep will retry'),
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  return worker;
}
