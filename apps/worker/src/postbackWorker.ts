import { Worker, type ConnectionOptions } from 'bullmq';
import {
  PermanentJobError,
  TransientStoreError,
  postbackJobSchema,
  type Config,
  type DeadLetterQueue,
  type Logger,
  type Outcome,
  type PostbackJob,
  type PostbackQueue,
  type PrismaClient,
} from '@postback/core';
import { ApplyBatcher } from './applyBatcher.js';
import { applyRejections, type PostbackToApply } from './applyRejections.js';
import { moveToDeadLetter } from './deadLetter.js';
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
>;

export interface PostbackWorkerDeps {
  cfg: WorkerConfig;
  connection: ConnectionOptions;
  prisma: PrismaClient;
  queue: PostbackQueue;
  deadLetters: DeadLetterQueue;
  logger: Logger;
  autorun?: boolean;
}

/**
 * The BullMQ worker: each job is read against the payload contract, then handed to the batcher, which applies
 * the jobs running together in one transaction. Outcomes:
 * - applied → the job completes (and is removed);
 * - Postgres unreachable → the whole queue pauses for a while and the job goes back to waiting, spending no attempt;
 * - any other error → BullMQ retries with exponential backoff and jitter;
 * - unreadable payload or attempts exhausted → dead-letter queue.
 */
export function createPostbackWorker(deps: PostbackWorkerDeps): Worker<PostbackJob, Outcome> {
  const { cfg, logger } = deps;
  const batcher = new ApplyBatcher<PostbackToApply, Outcome>((items) => applyRejections(deps.prisma, items), {
    maxSize: cfg.WORKER_BATCH_SIZE,
    maxWaitMs: cfg.WORKER_BATCH_WAIT_MS,
    maxInFlight: cfg.WORKER_BATCHES_IN_FLIGHT,
    isUnreachable: createStoreProbe(cfg.DATABASE_URL),
  });
  let outageLogged = false;

  const worker: Worker<PostbackJob, Outcome> = new Worker<PostbackJob, Outcome>(
    cfg.QUEUE_NAME,
    async (job) => {
      const parsed = postbackJobSchema.safeParse(job.data);
      if (!parsed.success) throw new PermanentJobError(`unreadable postback job: ${parsed.error.message}`);
      try {
        const outcome = await batcher.submit({ ...parsed.data, attempts: job.attemptsMade + 1 });
        outageLogged = false;
        logger.debug({ postback_id: job.id, outcome }, 'postback applied');
        return outcome;
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
      logger.warn({ postback_id: job.id, attempt: job.attemptsMade, err: err.message }, 'attempt failed; will retry');
      return;
    }
    moveToDeadLetter(job, deps.deadLetters).then(
      () => logger.error({ postback_id: job.id, reason: job.failedReason }, 'postback dead-lettered'),
      (moveErr: unknown) => logger.error({ postback_id: job.id, err: moveErr }, 'dead-letter move failed; sweep will retry'),
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  return worker;
}
