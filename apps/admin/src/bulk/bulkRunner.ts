import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { scopeOf, type Scope } from '@postback/core';
import { storeOutage } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { bulkJobsOf, type RowToQueue } from './bulkJobs.js';
import { wouldDo } from './bulkDryRun.js';
import { BulkLease, completeApplied, LeaseLostError } from './bulkLease.js';
import { noOutcomes, type BulkUpload, type OutcomeCounts } from './bulkRecords.js';

// Rows a dry run evaluates per read (it only reads: no rate cap).
const DRY_RUN_CHUNK = 2000;
// At most this many rows per queued chunk; fewer at a low rate, so the cap holds within a tenth of a second.
const QUEUE_CHUNK_MAX = 2000;

export interface BulkRunnerOptions {
  /** How long an upload stays this process's without a progress write (then another process may take it over). */
  leaseMs?: number;
  /** How often an idle runner looks for uploads to queue, and applying ones for completion. */
  pollMs?: number;
  /** How long an upload rests after a store outage before it is tried again. */
  retryAfterMs?: number;
}

/**
 * Queues staged uploads in the background, in the admin process: one upload at a time per process, each under a
 * lease (BulkLease), so that with several admin processes each upload is worked on by one of them, and an upload
 * whose process stopped is taken over where it stopped (its last queued line). Every idle round it also marks
 * completed the uploads whose queued rows are all applied.
 */
export interface BulkRunner {
  /** Starts the background loop (the admin server; the CLI works on its own upload only). */
  start(): void;
  /** Looks for work now rather than at the next poll (an upload was just staged). */
  kick(): void;
  /** Works on this upload in the foreground, if no other process holds it; resolves once it left `running` here. */
  work(id: string): Promise<void>;
  /** Stops: the upload being queued is let go (another process, or this one's next start, goes on from there). */
  close(): Promise<void>;
}

export function createBulkRunner(deps: AdminDeps, options: BulkRunnerOptions = {}): BulkRunner {
  const { leaseMs = 30_000, pollMs = 2000, retryAfterMs = 5000 } = options;
  const owner = `${hostname().slice(0, 40)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lease = new BulkLease(deps.prisma, owner, leaseMs);
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const working = new Set<Promise<void>>();

  /** The upload's rows after `afterLine`: up to `throughLine` when redoing a chunk, else the next `limit`. */
  const rowsAfter = async (id: string, afterLine: number, bound: { throughLine: number } | { limit: number }): Promise<RowToQueue[]> => {
    const rows = await deps.prisma.bulkRejectionRow.findMany({
      where: { bulkId: id, error: null, line: 'throughLine' in bound ? { gt: afterLine, lte: bound.throughLine } : { gt: afterLine } },
      orderBy: { line: 'asc' },
      take: 'limit' in bound ? bound.limit : undefined,
      select: { line: true, transactionId: true, reason: true },
    });
    return rows.map((r) => ({ line: r.line, transactionId: r.transactionId!, reason: r.reason! }));
  };

  async function queueRows(row: BulkUpload, scope: Scope): Promise<void> {
    const id = row.id;
    const rate = deps.cfg.BULK_REJECTIONS_PER_SECOND;
    const chunkSize = Math.min(QUEUE_CHUNK_MAX, Math.max(1, Math.ceil(rate / 10)));
    const upload = { id, scope, firstSeq: Number(row.firstSeq) };
    let through = row.queuedThroughLine;
    // A chunk written ahead and not recorded as queued: the run that wrote it stopped in between.
    let redo =
      row.queuingThroughLine !== null && row.queuingAt !== null && row.queuingThroughLine > through
        ? { throughLine: row.queuingThroughLine, at: row.queuingAt }
        : undefined;
    const startedAt = Date.now();
    let sent = 0;
    for (;;) {
      // The n-th row is queued no sooner than n / rate seconds after this run started.
      if (!(await paced(startedAt + (sent * 1000) / rate))) return lease.release(id);
      const rows = await rowsAfter(id, through, redo ?? { limit: chunkSize });
      if (rows.length === 0) return lease.end(id, 'applying');
      const last = redo?.throughLine ?? rows.at(-1)!.line;
      // The chunk's rows are received now: each batch the worker reads back from the log spans one chunk's time.
      const at = redo?.at ?? new Date();
      if (await lease.writeAhead(id, last, at)) return lease.end(id, 'cancelled');
      const fates = await deps.withRedis(() => deps.shards.store(bulkJobsOf(upload, rows, at.getTime(), deps.shards.shardOf)));
      const failed = fates.find((f) => f.status === 'rejected');
      if (failed) throw failed.reason;
      sent += rows.length;
      through = last;
      redo = undefined;
      if (await lease.recordQueued(id, rows.length, last)) return lease.end(id, 'cancelled');
    }
  }

  async function evaluateRows(row: BulkUpload, scope: Scope): Promise<void> {
    const outcomes: OutcomeCounts = { ...noOutcomes(), ...(row.dryRunOutcomes as Partial<OutcomeCounts> | null) };
    let through = row.queuedThroughLine;
    for (;;) {
      if (stopping.signal.aborted) return lease.release(row.id);
      const rows = await rowsAfter(row.id, through, { limit: DRY_RUN_CHUNK });
      if (rows.length === 0) return lease.end(row.id, 'completed');
      await wouldDo(deps.prisma, scope, rows, outcomes);
      through = rows.at(-1)!.line;
      if (await lease.recordEvaluated(row.id, outcomes, through)) return lease.end(row.id, 'cancelled');
    }
  }

  /** Waits until `at` (epoch ms); false when the runner is stopping. */
  async function paced(at: number): Promise<boolean> {
    const wait = at - Date.now();
    if (stopping.signal.aborted) return false;
    if (wait <= 0) return true;
    try {
      await sleep(wait, undefined, { signal: stopping.signal });
      return true;
    } catch {
      return false;
    }
  }

  async function workOn(row: BulkUpload): Promise<void> {
    try {
      const scope = scopeOf(row.scope, row.advertiserId, row.offerId);
      if (!scope) throw new Error(`bulk rejection ${row.id} has no scope`);
      await (row.dryRun ? evaluateRows(row, scope) : queueRows(row, scope));
    } catch (err) {
      if (err instanceof LeaseLostError) return;
      // Redis or Postgres away: the upload rests, then this process or another goes on where it stopped.
      if (storeOutage(err)) {
        deps.logger?.warn({ err, bulk_id: row.id }, 'bulk rejection paused: a store is unreachable');
        await lease.release(row.id, retryAfterMs).catch(() => undefined);
        return;
      }
      deps.logger?.error({ err, bulk_id: row.id }, 'bulk rejection failed');
      await lease.end(row.id, 'failed', (err instanceof Error ? err.message : String(err)).slice(0, 500)).catch(() => undefined);
    }
  }

  const tracked = (work: Promise<void>): Promise<void> => {
    working.add(work);
    return work.finally(() => working.delete(work));
  };

  async function runLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      let claimed: BulkUpload | undefined;
      try {
        await completeApplied(deps.prisma);
        claimed = await lease.claim();
      } catch (err) {
        deps.logger?.warn({ err }, 'bulk rejections: could not look for work');
      }
      if (claimed) {
        await tracked(workOn(claimed));
        continue;
      }
      if (stopping.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    start() {
      loop ??= runLoop();
    },
    kick() {
      wake?.();
    },
    async work(id: string) {
      const claimed = await lease.claim(id);
      if (claimed) await tracked(workOn(claimed));
    },
    async close() {
      stopping.abort();
      wake?.();
      await Promise.allSettled([loop, ...working]);
    },
  };
}
