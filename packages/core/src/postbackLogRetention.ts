import type { Config } from './config.js';
import type { PrismaClient } from './db.js';

const DAY_MS = 86_400_000;
// Between two delete batches: lets the workers' inserts and autovacuum in, so a large first prune never hogs the table.
const PAUSE_BETWEEN_BATCHES_MS = 100;

export interface PruneOptions {
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
  | { dry_run: false; cutoff: string; deleted: number; batches: number }
  | { dry_run: true; cutoff: string; would_delete: number };

export function pruneOptionsOf(
  cfg: Pick<Config, 'POSTBACK_LOG_RETENTION_DAYS' | 'RETENTION_BATCH_SIZE'>,
  dryRun = false,
): PruneOptions {
  return { retentionDays: cfg.POSTBACK_LOG_RETENTION_DAYS, batchSize: cfg.RETENTION_BATCH_SIZE, dryRun };
}

/**
 * Deletes postback_log rows received and processed more than `retentionDays` ago, in batches of `batchSize`,
 * each its own short statement. conversion_status_history is untouched: it has no foreign key to postback_log
 * (its postback_id is a plain unique uuid), so the history of every conversion stays whole.
 *
 * Any number of processes may run this at once: each batch locks the rows it picks with FOR UPDATE SKIP LOCKED,
 * so concurrent runs take disjoint rows and none waits on another; a row another run deleted meanwhile is
 * skipped, not an error. A batch that comes back short means the rest is gone or held by another run: stop.
 */
export async function prunePostbackLog(prisma: PrismaClient, options: PruneOptions): Promise<PruneResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
  if (options.dryRun) {
    // processed_at too: a postback replayed from the dead-letter queue long after receipt keeps its row (and so
    // its idempotency) for the full retention after it was applied.
    const [{ count }] = await prisma.$queryRaw<[{ count: bigint }]>`
      SELECT count(*) AS count FROM postback_log WHERE received_at < ${cutoff} AND processed_at < ${cutoff}`;
    return { dry_run: true, cutoff: cutoff.toISOString(), would_delete: Number(count) };
  }
  const pauseMs = options.pauseMs ?? PAUSE_BETWEEN_BATCHES_MS;
  let deleted = 0;
  let batches = 0;
  for (;;) {
    // The oldest rows, found via the (received_at, postback_id) index. MATERIALIZED: the locking pick runs once,
    // never re-run per row of the join.
    const count = await prisma.$executeRaw`
      WITH doomed AS MATERIALIZED (
        SELECT postback_id FROM postback_log
        WHERE received_at < ${cutoff} AND processed_at < ${cutoff}
        ORDER BY received_at
        LIMIT ${options.batchSize}
        FOR UPDATE SKIP LOCKED)
      DELETE FROM postback_log p USING doomed d WHERE p.postback_id = d.postback_id`;
    deleted += count;
    if (count > 0) batches += 1;
    if (count < options.batchSize || options.signal?.aborted) break;
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return { dry_run: false, cutoff: cutoff.toISOString(), deleted, batches };
}
