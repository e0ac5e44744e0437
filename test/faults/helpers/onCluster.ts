import { shardOfTransaction, shardTagsOf } from '@postback/core';
import type { RedisClusterFixture } from '../../helpers/redisCluster.js';
import type { RedisProcess } from '../../helpers/redisProcess.js';
import type { Answer } from './burst.js';
import type { PlannedPostback } from './world.js';

// What the cluster scenarios share: the apps configured as README's cluster section says (three shards, a 202 only
// once a replica holds the job), under the default QUEUE_PREFIX, so the shards' tags — and so their slots and
// primaries — are the ones a user gets: {postback-0}, {postback-1}, {postback-2}.

export const SHARDS = 3;
export const CONTROL_TAG = '{postback}';
export const SHARD_TAGS = shardTagsOf(CONTROL_TAG, SHARDS);

/** The apps' environment on `cluster`: the cluster's nodes, three shards, and ACK_REPLICAS as asked. */
export function clusterEnv(cluster: RedisClusterFixture, ackReplicas: 0 | 1, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...cluster.env,
    QUEUE_PREFIX: CONTROL_TAG,
    QUEUE_SHARDS: String(SHARDS),
    ACK_REPLICAS: String(ackReplicas),
    // Generous: six servers and the apps share two cores, and a slow confirmation would be a 503, not a 202.
    ACK_REPLICA_TIMEOUT_MS: '1000',
    ...extra,
  };
}

/** A key in shard `index`'s slot (its queue's job-id counter): what CLUSTER KEYSLOT is asked about. */
export function shardKey(index: number): string {
  return `${SHARD_TAGS[index]}:rejections:id`;
}

/** The primary that serves shard `index`'s slot now. */
export function primaryOfShard(cluster: RedisClusterFixture, index: number): Promise<RedisProcess> {
  return cluster.primaryFor(shardKey(index));
}

/** The shard a planned postback goes to (every postback of a transaction goes to one). */
export function shardOfPlanned(plan: readonly PlannedPostback[], answer: Answer): number {
  return shardOfTransaction(plan[answer.index]!.transactionId, SHARDS);
}
