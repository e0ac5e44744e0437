import type { Config } from '../config.js';
import type { PrismaClient } from '../db.js';
import { sqlStateOf } from '../storeErrors.js';
import { ddlTransaction, type DdlOptions } from './ddlTransaction.js';
import { dropExpiredPartitions, expiredDayPartitions } from './dropExpiredPartitions.js';
import { COLUMNS, DAY_MS, DEFAULT_PARTITION, detachedDayTables, isPartition, LEGACY_PARTITION, PARENT, tableExists, type Db } from './partitions.js';

// Between two delete batches: lets the workers' inserts and autovacuum in, so a large first prune never hogs the table.
const PAUSE_BETWEEN_BATCHES_MS = 100;
const UNDEFINED_TABLE = '42P01';

export interface PruneOptions extends DdlOptions {
  retentionDays: number;
  batchSize: number;
  pauseMs?: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  now?: Date;
  /** Aborting stops the run after the batch in progress (a worker shutting down). */
  signal?: AbortSignal;
}

export type PruneResult =
  | {
      dry_run: false;
      cutoff: string;
      /** Rows deleted one by one from the default and legacy partitions. */
      deleted: number;
      batches: number;
      dropped_partitions: string[];
      late_rows_kept: number;
    }
  | { dry_run: true; cutoff: string; would_delete: number; would_drop_partitions: string[] };

export function pruneOptionsOf(
  cfg: Pick<Config, 'POSTBACK_LOG_RETENTION_DAYS' | 'RETENTION_BATCH_SIZE'>,
  dryRun = false,
): PruneOptions {
  return { retentionDays: cfg.POSTBACK_LOG_RETENTION_DAYS, batchSize: cfg.RETENTION_BATCH_SIZE, dryRun };
}

/**
 * The postback-log retention: a row goes once it was received and processed more than `retentionDays` ago.
 * - A day partition whose whole day is that old is dropped (its rows processed within the retention, late or
 *   replayed postbacks, are moved to the default partition first): see dropExpiredPartitions.
 * - The default partition (postbacks whose day had no partition) and the legacy one (the table from before
 *   partitioning) lose their expired rows one by one, `batchSize` per short statement; the legacy partition is
 *   dropped once it is empty.
 * conversion_status_history is untouched: it has no foreign key to postback_log, so every history stays whole.
 *
 * Any number of processes may run this at once: partition steps run under a maintenance lock and check again what
 * they find; each delete batch locks the rows it picks with FOR UPDATE SKIP LOCKED, so concurrent runs take
 * disjoint rows and none waits on another. A batch that comes back short means the rest is gone or held by
 * another run: stop.
 */
export async function prunePostbackLog(prisma: PrismaClient, options: PruneOptions): Promise<PruneResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
  if (options.dryRun) return { dry_run: true, cutoff: cutoff.toISOString(), ...(await whatWouldGo(prisma, cutoff)) };

  const dropped = await dropExpiredPartitions(prisma, cutoff, options);
  let deleted = 0;
  let batches = 0;
  for (const table of [DEFAULT_PARTITION, LEGACY_PARTITION]) {
    const pruned = await pruneRows(prisma, table, cutoff, options);
    deleted += pruned.deleted;
    batches += pruned.batches;
    if (options.signal?.aborted) break;
  }
  if (!options.signal?.aborted && (await dropLegacyOnceEmpty(prisma, options))) dropped.dropped_partitions.push(LEGACY_PARTITION);
  return { dry_run: false, cutoff: cutoff.toISOString(), deleted, batches, ...dropped };
}

/** Deletes the expired rows of one partition in batches; nothing when it does not exist (the legacy one, dropped). */
async function pruneRows(prisma: PrismaClient, table: string, cutoff: Date, options: PruneOptions) {
  const pauseMs = options.pauseMs ?? PAUSE_BETWEEN_BATCHES_MS;
  let deleted = 0;
  let batches = 0;
  for (;;) {
    let count: number;
    try {
      // The oldest rows, found via the partition's (received_at, postback_id) index. MATERIALIZED: the locking pick
      // runs once, never re-run per row of the join.
      count = await prisma.$executeRawUnsafe(
        `WITH doomed AS MATERIALIZED (
           SELECT received_at, postback_id FROM ${table}
           WHERE received_at < $1::timestamptz AND processed_at < $1::timestamptz
           ORDER BY received_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
         DELETE FROM ${table} p USING doomed d WHERE p.received_at = d.received_at AND p.postback_id = d.postback_id`,
        cutoff.toISOString(),
        options.batchSize,
      );
    } catch (err) {
      // Dropped by another run once it found it empty (or before this run began).
      if (sqlStateOf(err) === UNDEFINED_TABLE) break;
      throw err;
    }
    deleted += count;
    if (count > 0) batches += 1;
    if (count < options.batchSize || options.signal?.aborted) break;
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return { deleted, batches };
}

/**
 * Drops the legacy partition when it holds no row. Rows that reach it between that check and the DETACH (a postback
 * received today, before the legacy bound) go back through postback_log in the same transaction: to the default
 * partition, until the next maintenance gives their day a partition of its own.
 */
async function dropLegacyOnceEmpty(prisma: PrismaClient, options: DdlOptions): Promise<boolean> {
  if (!(await tableExists(prisma, LEGACY_PARTITION))) return false;
  if ((await prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${LEGACY_PARTITION} LIMIT 1`)).length > 0) return false;
  const moved = await ddlTransaction(prisma, `drop ${LEGACY_PARTITION}`, async (tx) => {
    if (!(await isPartition(tx, LEGACY_PARTITION))) return null;
    await tx.$executeRawUnsafe(`ALTER TABLE ${PARENT} DETACH PARTITION ${LEGACY_PARTITION}`);
    const count = await tx.$executeRawUnsafe(`INSERT INTO ${PARENT} (${COLUMNS}) SELECT ${COLUMNS} FROM ${LEGACY_PARTITION}`);
    await tx.$executeRawUnsafe(`DROP TABLE ${LEGACY_PARTITION}`);
    return count;
  }, options);
  if (moved === null) return false;
  options.logger?.info({ partition: LEGACY_PARTITION, rows_moved: moved }, 'postback_log partition dropped');
  return true;
}

/** What a run would delete and drop now: it reads, never writes. */
async function whatWouldGo(db: Db, cutoff: Date): Promise<{ would_delete: number; would_drop_partitions: string[] }> {
  const at = cutoff.toISOString();
  const days = [...(await detachedDayTables(db)), ...(await expiredDayPartitions(db, cutoff)).map((p) => p.name)];
  let wouldDelete = 0;
  for (const table of days) wouldDelete += await count(db, `SELECT count(*) AS n FROM "${table}" WHERE processed_at < $1::timestamptz`, at);
  const expired = `received_at < $1::timestamptz AND processed_at < $1::timestamptz`;
  wouldDelete += await count(db, `SELECT count(*) AS n FROM ${DEFAULT_PARTITION} WHERE ${expired}`, at);
  if (await tableExists(db, LEGACY_PARTITION)) {
    const legacyExpired = await count(db, `SELECT count(*) AS n FROM ${LEGACY_PARTITION} WHERE ${expired}`, at);
    wouldDelete += legacyExpired;
    if (legacyExpired === (await count(db, `SELECT count(*) AS n FROM ${LEGACY_PARTITION}`))) days.push(LEGACY_PARTITION);
  }
  return { would_delete: wouldDelete, would_drop_partitions: days };
}

async function count(db: Db, sql: string, ...values: unknown[]): Promise<number> {
  const [{ n }] = await db.$queryRawUnsafe<[{ n: bigint }]>(sql, ...values);
  return Number(n);
}
