import type { Config } from '../config.js';
import type { PrismaClient } from '../db.js';
import { createDayPartitions, type CreatedPartition } from './createDayPartitions.js';
import { pruneOptionsOf, prunePostbackLog, type PruneOptions, type PruneResult } from './retention.js';

export interface MaintenanceOptions extends Omit<PruneOptions, 'dryRun'> {
  /** Days after today that must have their partition. */
  aheadDays: number;
}

export interface MaintenanceResult {
  retention: PruneResult;
  created_partitions: CreatedPartition[];
}

export function maintenanceOptionsOf(
  cfg: Pick<Config, 'POSTBACK_LOG_RETENTION_DAYS' | 'RETENTION_BATCH_SIZE' | 'POSTBACK_LOG_PARTITIONS_AHEAD_DAYS'>,
): MaintenanceOptions {
  return { ...pruneOptionsOf(cfg), aheadDays: cfg.POSTBACK_LOG_PARTITIONS_AHEAD_DAYS };
}

/**
 * One run of the postback-log maintenance (the worker's scheduled job): the retention, then the days ahead.
 * Retention first, so that when it drops the emptied legacy partition the days it covered get theirs in the same
 * run; the days ahead are created even when the retention failed, since a day without its partition sends its rows
 * to the default partition.
 */
export async function maintainPostbackLog(prisma: PrismaClient, options: MaintenanceOptions): Promise<MaintenanceResult> {
  let retention: PruneResult | undefined;
  let failure: unknown;
  try {
    retention = await prunePostbackLog(prisma, { ...options, dryRun: false });
  } catch (err) {
    failure = err;
  }
  const created = await createDayPartitions(prisma, options);
  if (retention === undefined) throw failure;
  return { retention, created_partitions: created };
}
