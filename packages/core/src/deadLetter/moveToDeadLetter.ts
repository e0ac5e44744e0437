import type { Job } from 'bullmq';
import { DEAD_LETTER_JOB_NAME, type DeadLetterData } from './deadLetterData.js';
import type { DeadLetterPair } from './deadLetterPair.js';
import { errorKindOf } from './errorKind.js';

/**
 * Moves a job that failed for good into the dead-letter queue, under its own id, with its data and error history;
 * then removes it from the source queue. The add comes first, so a crash in between leaves the job in both queues
 * (the sweep finishes the move), never in neither. Given the error, it records its kind for operators' filters.
 *
 * Under the job's move lock, it reads the job again and moves it only if it is still in the source's failed set:
 * the worker's failed event and a sweep may both set out to move it, and a replay may have put it back on the
 * source queue meanwhile; the late mover must not dead-letter (or remove) that replayed copy. Resolves whether it
 * moved the job.
 */
export async function moveToDeadLetter<T>(pair: DeadLetterPair<T>, failed: Job<T>, error?: unknown): Promise<boolean> {
  const id = failed.id!;
  return pair.lock.whileHolding(id, async () => {
    const job = await pair.source.getJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    const readable = pair.kind.schema.safeParse(job.data).success;
    const data: DeadLetterData = {
      job: job.data,
      failedReason: job.failedReason,
      errors: [...(job.stacktrace ?? [])],
      attemptsMade: job.attemptsMade,
      deadLetteredAt: Date.now(),
      // Only the worker's failed event has the error itself; for the sweep's, readers go by failedReason.
      ...(error === undefined ? {} : { errorKind: errorKindOf({ readable, failedReason: job.failedReason }, error) }),
    };
    await pair.deadLetters.add(DEAD_LETTER_JOB_NAME, data, { jobId: id, removeOnComplete: true, removeOnFail: false });
    await job.remove();
    return true;
  });
}

/**
 * Finishes moves that a crash interrupted: every job left in the source queue's failed set goes to the dead-letter
 * queue. Any number of processes may sweep at once (each move re-checks under the lock). Resolves how many it moved.
 */
export async function sweepFailedJobs<T>(pair: DeadLetterPair<T>, onMoved?: (job: Job<T>) => void): Promise<number> {
  let moved = 0;
  for (;;) {
    const failed = await pair.source.getFailed(0, 99);
    let movedNow = 0;
    for (const job of failed) {
      if (!(await moveToDeadLetter(pair, job))) continue;
      onMoved?.(job);
      movedNow += 1;
    }
    moved += movedNow;
    // An empty page, or one another sweeper emptied first.
    if (movedNow === 0) return moved;
  }
}
