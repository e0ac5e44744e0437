import { replicatedWrite } from '../replicatedWrite.js';
import type { DeadLetterPair } from './deadLetterPair.js';

/**
 * Drops one dead-letter entry for good (an operator's delete or purge). Under the job's move lock, so a replay of
 * the same entry either finished first (the entry is gone: false) or starts after (it finds it missing): the two
 * never both count it. Resolves whether the entry was there; with ACK_REPLICAS, once the replicas have the removal.
 */
export async function removeDeadLetter<T>(pair: DeadLetterPair<T>, jobId: string): Promise<boolean> {
  return pair.lock.whileHolding(jobId, async () => {
    // Looked up first: BullMQ's remove answers 1 for an id it does not have, too.
    if (!(await pair.deadLetters.getJob(jobId))) return false;
    await replicatedWrite(pair.replication, pair.deadLetters.toKey('id'), () => pair.deadLetters.remove(jobId));
    return true;
  });
}
