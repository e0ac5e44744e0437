import type { Job } from 'bullmq';
import {
  DEAD_LETTER_JOB_NAME,
  deadLetterKindOf,
  type DeadLetterQueue,
  type Logger,
  type PostbackJob,
  type JobMoveLock,
  type PostbackQueue,
} from '@postback/core';

/**
 * Moves a job that failed for good into the dead-letter queue, under its own id, with its data and error history; then
 * removes it from the main queue. The add comes first, so a crash in between leaves the job in both queues
 * (the sweep finishes the move), never in neither. Given the error, it records its kind for operators' filters.
 * Runs under the job's move lock, so a replay of the same id never interleaves with it.
 */
export async function moveToDeadLetter(
  job: Job<PostbackJob>,
  deadLetters: DeadLetterQueue,
  moveLock: JobMoveLock,
  err?: Error,
): Promise<void> {
  await moveLock.run(job.id!, () => addThenRemove(job, deadLetters, err));
}

async function addThenRemove(job: Job<PostbackJob>, deadLetters: DeadLetterQueue, err?: Error): Promise<void> {
  await deadLetters.add(
    DEAD_LETTER_JOB_NAME,
    {
      job: job.data,
      failedReason: job.failedReason,
      errors: [...(job.stacktrace ?? [])],
      attemptsMade: job.attemptsMade,
      deadLetteredAt: Date.now(),
      // Only the worker's failed event has the error itself; the sweep leaves the admin to tell from failedReason.
      ...(err ? { errorKind: deadLetterKindOf(job.data, err) } : {}),
    },
    { jobId: job.id!, removeOnComplete: true, removeOnFail: false },
  );
  await job.remove();
}

/** Finishes moves that a crash interrupted: every job left in the main queue's failed set goes to the DLQ. */
export async function sweepFailedJobs(
  queue: PostbackQueue,
  deadLetters: DeadLetterQueue,
  moveLock: JobMoveLock,
  logger: Logger,
): Promise<number> {
  let moved = 0;
  for (;;) {
    const failed = await queue.getFailed(0, 99);
    if (failed.length === 0) return moved;
    for (const job of failed) {
      await moveToDeadLetter(job, deadLetters, moveLock);
      logger.warn({ postback_id: job.id, reason: job.failedReason }, 'dead-lettered (sweep)');
      moved += 1;
    }
  }
}
