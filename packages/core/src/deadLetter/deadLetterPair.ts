import type { JobsOptions, Queue } from 'bullmq';
import type { z } from 'zod';
import type { Replication } from '../replicatedWrite.js';
import type { DeadLetterData } from './deadLetterData.js';
import type { JobMoveLock } from './jobMoveLock.js';

/** A kind of job, as far as dead-lettering it needs: how to read its payload and how to queue it again. */
export interface JobKind<T> {
  /** The name its jobs carry on their queue. */
  name: string;
  /** Its payload schema: a payload that fails it is "unreadable". */
  schema: z.ZodType<T>;
  /** The options a job of this kind is queued with under a given id (attempts, backoff); a replay queues it afresh. */
  options: (jobId: string) => JobsOptions;
}

/**
 * A queue, its dead-letter queue, the kind of job they carry and the lock their moves share: everything the
 * dead-letter protocol (moveToDeadLetter, sweepFailedJobs, replayDeadLetter) works on, for any such pair.
 */
export interface DeadLetterPair<T> {
  source: Queue<T>;
  deadLetters: Queue<DeadLetterData>;
  kind: JobKind<T>;
  lock: JobMoveLock;
  /**
   * The connection both queues use and the replicas a replay's re-add and an operator's delete must reach before
   * they are reported done (ACK_REPLICAS); absent: the primary's word is enough.
   */
  replication?: Replication;
  /**
   * How a replay puts a job back on `source`, when its queue has one enqueue path that every job must take (the
   * postback shards' store); without it, an add with the kind's options.
   */
  requeue?: (jobId: string, data: unknown) => Promise<void>;
}
