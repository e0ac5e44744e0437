import type { PrismaClient } from '../db.js';
import { ddlTransaction, type DdlOptions } from './ddlTransaction.js';
import { COLUMNS, detachedDayTables, isPartition, listPartitions, PARENT, tableExists, type Db } from './partitions.js';

export interface DroppedPartitions {
  dropped_partitions: string[];
  /** Rows of the dropped days applied within the retention (late or replayed), moved to the default partition. */
  late_rows_kept: number;
}

/**
 * Drops each day partition whose whole range is older than `cutoff`. A row of such a day that was applied within
 * the retention (processed_at ≥ cutoff: a late or replayed postback) is not dropped with it: it goes back through
 * postback_log, where no day partition takes it any more, into the default partition, which the row-by-row prune
 * deletes once it is past the retention too. So a row is still kept until both received_at and processed_at are.
 *
 * Two transactions per day. The DETACH takes ACCESS EXCLUSIVE on postback_log (Postgres does not allow DETACH …
 * CONCURRENTLY beside a default partition), so it runs alone, under lock_timeout, and commits at once: catalog
 * work only. Moving the late rows and the DROP read the detached table with nothing else locked. Between the two,
 * the day's late rows are out of sight for a moment; a run that stops there leaves a plain table postback_log_p…,
 * which the next run finishes first.
 */
export async function dropExpiredPartitions(prisma: PrismaClient, cutoff: Date, options: DdlOptions = {}): Promise<DroppedPartitions> {
  const result: DroppedPartitions = { dropped_partitions: [], late_rows_kept: 0 };
  const finish = async (table: string) => {
    const kept = await ddlTransaction(prisma, `drop ${table}`, (tx) => dropDetached(tx, table, cutoff), options);
    if (kept === null) return;
    options.logger?.info({ partition: table, late_rows_kept: kept }, 'postback_log partition dropped');
    result.dropped_partitions.push(table);
    result.late_rows_kept += kept;
  };
  for (const table of await detachedDayTables(prisma)) await finish(table);
  for (const p of (await expiredDayPartitions(prisma, cutoff)).map((x) => x.name)) {
    const detached = await ddlTransaction(prisma, `detach ${p}`, async (tx) => {
      if (!(await isPartition(tx, p))) return false;
      await tx.$executeRawUnsafe(`ALTER TABLE ${PARENT} DETACH PARTITION "${p}"`);
      return true;
    }, options);
    if (detached) await finish(p);
  }
  return result;
}

/** Day partitions whose whole range lies before `cutoff`. */
export async function expiredDayPartitions(db: Db, cutoff: Date) {
  return (await listPartitions(db)).filter((p) => p.kind === 'day' && p.to !== null && p.to <= cutoff);
}

/** Late rows moved back, or null when another run dropped the table meanwhile. */
async function dropDetached(tx: Db, table: string, cutoff: Date): Promise<number | null> {
  if (!(await tableExists(tx, table)) || (await isPartition(tx, table))) return null;
  const kept = await tx.$executeRawUnsafe(
    `INSERT INTO ${PARENT} (${COLUMNS}) SELECT ${COLUMNS} FROM "${table}" WHERE processed_at >= $1::timestamptz
     ON CONFLICT (received_at, postback_id) DO NOTHING`,
    cutoff.toISOString(),
  );
  await tx.$executeRawUnsafe(`DROP TABLE "${table}"`);
  return kept;
}
