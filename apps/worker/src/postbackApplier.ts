import { isRefusedData, type Config, type Outcome, type PrismaClient } from '@postback/core';
import { ApplyBatcher } from './applyBatcher.js';
import { applyRejections, type PostbackToApply } from './applyRejections.js';
import type { RevocationsInRedis } from './keyRevocations.js';
import type { WorkerMetrics } from './metrics.js';
import { createStoreProbe } from './storeProbe.js';

/** Where every postback a worker process takes, from any shard, is applied: batches of them, one transaction each. */
export type PostbackApplier = ApplyBatcher<PostbackToApply, Outcome>;

export interface PostbackApplierDeps {
  cfg: Pick<Config, 'WORKER_BATCH_SIZE' | 'WORKER_BATCH_WAIT_MS' | 'WORKER_BATCHES_IN_FLIGHT' | 'DATABASE_URL'>;
  prisma: PrismaClient;
  /** Where each batch reads the revocations Redis already has and Postgres may not yet (the key registry). */
  revocations: RevocationsInRedis;
  metrics: WorkerMetrics;
  /** Kicked after a batch that wrote notifications already due (delay 0), so they leave right after the commit. */
  relay?: { kick: () => void };
}

/**
 * The process's one apply batcher, shared by the workers of every shard it consumes: postbacks of all shards fill
 * the same batches, so more shards mean neither smaller batches nor more transactions at once
 * (WORKER_BATCHES_IN_FLIGHT holds for the process).
 */
export function createPostbackApplier(deps: PostbackApplierDeps): PostbackApplier {
  const { cfg, metrics } = deps;
  const apply = async (items: PostbackToApply[]): Promise<Outcome[]> => {
    const { outcomes, applied, notificationsDueNow } = await applyRejections(deps.prisma, items, deps.revocations);
    // Only what this batch applied: a redelivered or replayed postback was counted when it was first applied.
    metrics.applied(applied);
    if (notificationsDueNow > 0) deps.relay?.kick();
    return outcomes;
  };
  return new ApplyBatcher<PostbackToApply, Outcome>(apply, {
    maxSize: cfg.WORKER_BATCH_SIZE,
    maxWaitMs: cfg.WORKER_BATCH_WAIT_MS,
    maxInFlight: cfg.WORKER_BATCHES_IN_FLIGHT,
    isUnreachable: createStoreProbe(cfg.DATABASE_URL),
    isPermanent: isRefusedData,
    onFailure: (unreachable) => metrics.databaseError(unreachable ? 'unreachable' : 'other'),
  });
}
