import type { Config } from '../config.js';
import type { PrismaClient } from '../db.js';

const DAY_MS = 86_400_000;
// One compaction at a time across every worker: the key of a transaction-level advisory lock ("rollup").
const COMPACTION_LOCK_KEY = 0x726f6c6c7570;
// Delta rows moved per transaction: a compaction after a long pause (maintenance stopped for a day) moves its
// backlog in short transactions instead of one long one.
const DELTAS_PER_TRANSACTION = 50_000;

export interface CompactOptions {
  /** Rollups of hours older than this are deleted, as postback_log's rows are (POSTBACK_LOG_RETENTION_DAYS). */
  retentionDays: number;
  now?: Date;
  /** Aborting stops the run after the transaction in progress (a worker shutting down). */
  signal?: AbortSignal;
}

export interface CompactResult {
  /** Another run held the compaction lock: it does the work, this one did nothing. */
  skipped: boolean;
  /** Delta rows folded into the rollups. */
  compacted_deltas: number;
  /** Rollup rows (hourly and daily) deleted for being past the retention. */
  pruned_rollups: number;
}

export function compactOptionsOf(cfg: Pick<Config, 'POSTBACK_LOG_RETENTION_DAYS'>): CompactOptions {
  return { retentionDays: cfg.POSTBACK_LOG_RETENTION_DAYS };
}

/**
 * Folds the delta rows the workers' batches appended (rejection_rollup_deltas) into rejection_rollups_hourly and
 * rejection_rollups_daily, one row per (hour or day, advertiser, offer, reason, outcome), and deletes the rollups
 * past the retention.
 *
 * Each transaction deletes a slice of deltas and adds their sums to the rollups in one statement, so a report (one
 * statement over both tables, one snapshot) sees every count exactly once, before, during and after. Only one run
 * folds at a time (a transaction-level advisory lock; a run that cannot take it leaves the work to the one that
 * holds it), so two runs never upsert the same rollup rows in different orders. The workers only insert deltas:
 * they never wait on a compaction, and a delta their uncommitted batch adds is folded by the next run.
 */
export async function compactRejectionRollups(prisma: PrismaClient, options: CompactOptions): Promise<CompactResult> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * DAY_MS);
  let compacted = 0;
  let pruned = 0;
  for (;;) {
    const step = await prisma.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`
          SELECT pg_try_advisory_xact_lock(${COMPACTION_LOCK_KEY}::bigint) AS locked`;
        if (!locked) return null;
        const [{ moved }] = await tx.$queryRaw<[{ moved: number }]>`
          WITH taken AS (
            DELETE FROM rejection_rollup_deltas
            WHERE id IN (SELECT id FROM rejection_rollup_deltas ORDER BY id LIMIT ${DELTAS_PER_TRANSACTION})
            RETURNING hour, advertiser_id, offer_id, reason, outcome, count
          ), hourly AS (
            INSERT INTO rejection_rollups_hourly AS r (hour, advertiser_id, offer_id, reason, outcome, count)
            SELECT hour, advertiser_id, offer_id, reason, outcome, sum(count)
            FROM taken
            GROUP BY hour, advertiser_id, offer_id, reason, outcome
            ON CONFLICT (hour, advertiser_id, offer_id, reason, outcome) DO UPDATE SET count = r.count + excluded.count
          ), daily AS (
            INSERT INTO rejection_rollups_daily AS r (day, advertiser_id, offer_id, reason, outcome, count)
            SELECT date_trunc('day', hour, 'UTC'), advertiser_id, offer_id, reason, outcome, sum(count)
            FROM taken
            GROUP BY 1, advertiser_id, offer_id, reason, outcome
            ON CONFLICT (day, advertiser_id, offer_id, reason, outcome) DO UPDATE SET count = r.count + excluded.count
          )
          SELECT count(*)::int AS moved FROM taken`;
        // Last, under the same lock: a fold never re-creates a row this deleted in the same run. A day goes once
        // all of it is past the cutoff, as postback_log's day partitions do.
        const expired = moved < DELTAS_PER_TRANSACTION
          ? (await tx.$executeRaw`DELETE FROM rejection_rollups_hourly WHERE hour < ${cutoff.toISOString()}::timestamptz`) +
            (await tx.$executeRaw`DELETE FROM rejection_rollups_daily WHERE day <= ${cutoff.toISOString()}::timestamptz - interval '1 day'`)
          : 0;
        return { moved, expired };
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
    if (step === null) return { skipped: true, compacted_deltas: compacted, pruned_rollups: pruned };
    compacted += step.moved;
    pruned += step.expired;
    if (step.moved < DELTAS_PER_TRANSACTION || options.signal?.aborted) break;
  }
  return { skipped: false, compacted_deltas: compacted, pruned_rollups: pruned };
}
