import { Queue } from 'bullmq';
import type { Config } from '../config.js';
import { JobMoveLock, type DeadLetterData, type DeadLetterPair } from '../deadLetter/index.js';
import type { RedisConnection } from '../redis.js';
import { NO_REPLICA_WAIT, type ReplicaPolicy } from '../replicatedWrite.js';
import { deliveryJobOptions } from './deliveryJobOptions.js';
import {
  DELIVERY_DEAD_LETTER_QUEUE_NAME,
  DELIVERY_JOB_NAME,
  DELIVERY_QUEUE_NAME,
  deliveryJobSchema,
  deliveryQueueTag,
  type DeliveryJob,
} from './deliveryQueue.js';

export type DeliveryDeadLetterPair = DeadLetterPair<DeliveryJob>;

/**
 * The delivery queue and its dead-letter queue as a dead-letter pair, so the one protocol (moveToDeadLetter,
 * sweepFailedJobs, replayDeadLetter, removeDeadLetter) serves deliveries as it serves postbacks. Both queues and
 * their move locks live under the delivery tag. A replay re-adds the job with the delivery options under its
 * notification's id; the worker then sends the notification's stored request again.
 */
export function deliveryDeadLetterPair(
  cfg: Pick<Config, 'QUEUE_PREFIX' | 'DELIVERY_ATTEMPTS'>,
  connection: RedisConnection,
  replicas: ReplicaPolicy = NO_REPLICA_WAIT,
): DeliveryDeadLetterPair {
  const prefix = deliveryQueueTag(cfg.QUEUE_PREFIX);
  return {
    source: new Queue<DeliveryJob>(DELIVERY_QUEUE_NAME, { connection, prefix }),
    deadLetters: new Queue<DeadLetterData>(DELIVERY_DEAD_LETTER_QUEUE_NAME, { connection, prefix }),
    kind: { name: DELIVERY_JOB_NAME, schema: deliveryJobSchema, options: (jobId) => deliveryJobOptions(cfg, jobId) },
    lock: new JobMoveLock(connection, prefix),
    replication: { connection, policy: replicas },
  };
}
