import type { Queue } from 'bullmq';
import { replicatedWrite } from '../replicatedWrite.js';
import type { DeadLetterPair } from './deadLetterPair.js';

export type ReplayOutcome = 'replayed' | 'missing';

/**
 * Puts one dead-lettered job back on its source queue under its original id, afresh (its attempts start over: by
 * the pair's requeue, or with its kind's options), then takes it off the dead-letter queue: only after, so a crash
 * in between leaves it in both (replaying again is harmless), never in neither. With ACK_REPLICAS, "after" means
 * after the replicas confirm the re-add: a replay that fails for want of replicas leaves the entry dead-lettered, and
 * a failover cannot take back a re-add that was reported.
 *
 * Under the job's move lock, so it never runs between a worker's dead-letter add and its remove from the source
 * queue. Inside the lock it reads the entry again: one that another replay took, or that was deleted or purged,
 * while this one waited for the lock is "missing", so a dead-lettered job is replayed by exactly one replay.
 */
export async function replayDeadLetter<T>(pair: DeadLetterPair<T>, jobId: string): Promise<ReplayOutcome> {
  return pair.lock.whileHolding(jobId, async () => {
    const dead = await pair.deadLetters.getJob(jobId);
    if (!dead) return 'missing';
    const current = await pair.source.getJob(jobId);
    // A copy left in the source's failed set (a move cut short by a crash) would make the add below a no-op.
    if (current && (await current.getState()) === 'failed') await current.remove();
    // Replayed as it was queued, readable or not: the worker dead-letters an unreadable one again at once.
    await requeue(pair, jobId, dead.data.job);
    await pair.deadLetters.remove(jobId);
    return 'replayed';
  });
}

/** The pair's own enqueue path (which waits for replicas itself), or an add that waits for the pair's replicas. */
function requeue<T>(pair: DeadLetterPair<T>, jobId: string, data: unknown): Promise<unknown> {
  if (pair.requeue) return pair.requeue(jobId, data);
  // Typed as a plain Queue: BullMQ derives add()'s name type from T, which a generic T leaves unresolved.
  const source: Queue = pair.source;
  return replicatedWrite(pair.replication, source.toKey('id'), () => source.add(pair.kind.name, data, pair.kind.options(jobId)));
}
