import type { Queue } from 'bullmq';
import { deliveryDeadLetterPair, type Config, type DeliveryDeadLetterPair, type RedisConnection, type ReplicaPolicy } from '@postback/core';

/**
 * The affiliate notifications' delivery queue and its dead-letter queue, as the admin works on them: their depths
 * for /metrics, and the dead-letter pair the dead-letter machinery lists, replays, deletes and purges through (the
 * protocol's lock shared with the delivery workers' moves). The relay adds jobs, the delivery worker takes them.
 */
export interface DeliveryQueues {
  queue: Queue;
  deadLetters: Queue;
  pair: DeliveryDeadLetterPair;
  close: () => Promise<void>;
}

export function openDeliveryQueues(
  cfg: Pick<Config, 'QUEUE_PREFIX' | 'DELIVERY_ATTEMPTS'>,
  connection: RedisConnection,
  replicas?: ReplicaPolicy,
): DeliveryQueues {
  const pair = deliveryDeadLetterPair(cfg, connection, replicas);
  const { source: queue, deadLetters } = pair;
  // A Redis outage is reported by redisGate; a listener keeps BullMQ from printing it once per queue as well.
  for (const q of [queue, deadLetters]) q.on('error', () => undefined);
  return {
    queue,
    deadLetters,
    pair,
    close: async () => {
      await Promise.all([queue.close(), deadLetters.close()]);
    },
  };
}
