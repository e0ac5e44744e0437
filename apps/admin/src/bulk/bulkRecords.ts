import { z } from 'zod';
import type { Prisma, PrismaClient } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import { INT4_MAX, wholeNumber } from '../services/inputTypes.js';
import { parseInput } from '../services/parseInput.js';

/** The outcomes a bulk row can have: a postback's, but `revoked` (a bulk row has no key to revoke). */
export const BULK_OUTCOMES = ['rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];
export type OutcomeCounts = Record<BulkOutcome, number>;

/** An upload's row of bulk_rejections. */
export type BulkUpload = Prisma.BulkRejectionGetPayload<object>;

/** An upload as the API and the CLI show it. */
export interface BulkRecord {
  id: string;
  /** running (rows being queued, or a dry run's evaluated), applying (all queued), completed, cancelled, failed. */
  status: BulkUpload['status'];
  dry_run: boolean;
  scope: 'global' | 'offer';
  advertiser_id: number;
  offer_id: number | null;
  /** The upload's reason, for the rows that give none. */
  reason: string | null;
  format: string;
  /** Data rows read; those refused (invalid, with their lines below); those handed to the queue. */
  rows: number;
  invalid_count: number;
  queued: number;
  /** Rows the workers applied (each has its postback_log row, bulk_id = this id); 0 for a dry run. */
  applied: number;
  /** What the applied rows did, by outcome; for a dry run, what the rows evaluated so far would do now. */
  outcomes: OutcomeCounts;
  cancel_requested: boolean;
  error: string | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

/** One upload with a page of its invalid rows, by line. */
export interface BulkRecordWithInvalid extends BulkRecord {
  invalid: Array<{ line: number; error: string }>;
  /** Pass as invalid_cursor for the next page of invalid rows; null on the last. */
  next_invalid_cursor: string | null;
}

export const bulkIdParam = z.uuid();
export const bulkListQuery = z.strictObject({ limit: wholeNumber(1, 1000).default(50) });
export const pageSchema = z.strictObject({
  invalid_cursor: wholeNumber(0, INT4_MAX).default(0),
  limit: wholeNumber(1, 1000).default(100),
});

export const noOutcomes = (): OutcomeCounts => Object.fromEntries(BULK_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

export function bulkRecordOf(row: BulkUpload, applied: OutcomeCounts | undefined): BulkRecord {
  const outcomes = row.dryRun ? { ...noOutcomes(), ...(row.dryRunOutcomes as Partial<OutcomeCounts> | null) } : (applied ?? noOutcomes());
  return {
    id: row.id,
    status: row.status,
    dry_run: row.dryRun,
    scope: row.scope,
    advertiser_id: row.advertiserId,
    offer_id: row.offerId,
    reason: row.reason,
    format: row.format,
    rows: row.rows,
    invalid_count: row.invalid,
    queued: row.queued,
    applied: row.dryRun ? 0 : BULK_OUTCOMES.reduce((sum, o) => sum + outcomes[o], 0),
    outcomes,
    cancel_requested: row.cancelRequested,
    error: row.error,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * How long before its staging an upload's rows may say they were received: they were queued after it, but perhaps by
 * another admin process, whose clock may be behind. A bound for postback_log's day partitions, not a filter.
 */
export const RECEIVED_SINCE_STAGING_MS = 3_600_000;

/**
 * The applied rows of these uploads, by outcome, from postback_log: an upload's rows were received (queued) after it
 * was staged, so the count reads the day partitions from then on only, and in each the (bulk_id, outcome) index.
 */
export async function appliedOutcomes(prisma: PrismaClient, rows: readonly BulkUpload[]): Promise<Map<string, OutcomeCounts>> {
  const real = rows.filter((r) => !r.dryRun);
  const counts = new Map(real.map((r) => [r.id, noOutcomes()]));
  if (real.length === 0) return counts;
  const found = await prisma.$queryRaw<Array<{ bulk_id: string; outcome: string; n: number }>>`
    SELECT bulk_id::text, outcome::text, count(*)::int AS n FROM postback_log
    WHERE bulk_id = ANY(${real.map((r) => r.id)}::uuid[])
      AND received_at >= ${new Date(Math.min(...real.map((r) => r.stagedAt.getTime())) - RECEIVED_SINCE_STAGING_MS).toISOString()}::timestamptz
    GROUP BY 1, 2`;
  for (const { bulk_id, outcome, n } of found) {
    const tally = counts.get(bulk_id);
    if (tally && outcome in tally) tally[outcome as BulkOutcome] += n;
  }
  return counts;
}

/** One upload, with the page of its invalid rows after invalid_cursor (a line number). */
export async function showBulkRejection(prisma: PrismaClient, rawId: unknown, query: unknown): Promise<BulkRecordWithInvalid> {
  const id = parseInput(bulkIdParam, rawId, 'id');
  const { invalid_cursor: after, limit } = parseInput(pageSchema, query);
  const row = await prisma.bulkRejection.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`bulk rejection ${id} not found`);
  const [applied, invalid] = await Promise.all([
    appliedOutcomes(prisma, [row]),
    prisma.bulkRejectionRow.findMany({
      where: { bulkId: id, error: { not: null }, line: { gt: after } },
      orderBy: { line: 'asc' },
      take: limit + 1,
      select: { line: true, error: true },
    }),
  ]);
  const page = invalid.slice(0, limit);
  return {
    ...bulkRecordOf(row, applied.get(id)),
    invalid: page.map((r) => ({ line: r.line, error: r.error! })),
    next_invalid_cursor: invalid.length > limit ? String(page.at(-1)!.line) : null,
  };
}

/** The latest uploads, newest first. */
export async function listBulkRejections(prisma: PrismaClient, query: unknown): Promise<{ bulk_rejections: BulkRecord[] }> {
  const { limit } = parseInput(bulkListQuery, query);
  const rows = await prisma.bulkRejection.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  const applied = await appliedOutcomes(prisma, rows);
  return { bulk_rejections: rows.map((r) => bulkRecordOf(r, applied.get(r.id))) };
}
