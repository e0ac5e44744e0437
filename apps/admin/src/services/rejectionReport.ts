import type { Outcome, PrismaClient } from '@postback/core';
import type { Reads } from '../wiring/reads.js';
import { parseInput } from './parseInput.js';
import { bucketStarts, rejectionReportSchema, type RejectionReportQuery, type ReportBucket, type ReportGroupBy } from './rejectionReportQuery.js';

/** A reason or an outcome, or an offer's or advertiser's id. */
export type ReportKey = string | number;

export interface RejectionReport {
  group_by: ReportGroupBy;
  bucket: ReportBucket;
  since: string;
  until: string;
  /** Every bucket start of the span, ascending, empty ones too. */
  buckets: string[];
  /** Largest total first; share_percent of the report's total, two decimals. */
  groups: Array<{ key: ReportKey; label: string; total: number; share_percent: number }>;
  /** Non-zero counts only, by bucket, then in the order of groups. */
  rows: Array<{ bucket: string; key: ReportKey; count: number }>;
}

// "Rejections": the outcomes that left the conversion rejected for the reason given. Grouped by outcome, every
// outcome is a series of its own.
const REJECTION_OUTCOMES: readonly Outcome[] = ['rejected', 'reason_updated'];

// The column each grouping counts under: constants, never the request's text, are what goes into the SQL.
const KEY_COLUMN: Readonly<Record<ReportGroupBy, string>> = {
  reason: 'reason',
  offer: 'offer_id',
  advertiser: 'advertiser_id',
  outcome: 'outcome::text',
};

// Where each bucket size's compacted counts are, and the column of their bucket start.
const ROLLUPS: Readonly<Record<ReportBucket, { table: string; time: string }>> = {
  hour: { table: 'rejection_rollups_hourly', time: 'hour' },
  day: { table: 'rejection_rollups_daily', time: 'day' },
};

/**
 * Rejections over time from the rollups (prisma/migrations/20261202110000_rejection_rollups), never from a scan of
 * postback_log: the compacted rows of the bucket size asked for plus the deltas not yet compacted, added up in one
 * statement, so that its one snapshot counts every applied postback exactly once whether or not a compaction ran in
 * between. Served by the read replica when there is one (then as stale as the replica's lag).
 */
export async function rejectionReport(reads: Reads, rawQuery: unknown): Promise<RejectionReport> {
  const q = parseInput(rejectionReportSchema, rawQuery);
  const { counts, names } = await reads.run(async (db) => {
    const counts = await countsOf(db, q);
    return { counts, names: await namesOf(db, q.group_by, counts.map((c) => c.key)) };
  });

  const totals = new Map<string, number>();
  for (const c of counts) totals.set(c.key, (totals.get(c.key) ?? 0) + c.count);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const keyOf = (k: string): ReportKey => (q.group_by === 'offer' || q.group_by === 'advertiser' ? Number(k) : k);
  // Largest first; ties by key (ids as numbers), so the same data always gives the same order.
  const byKey = (a: string, b: string) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const order = [...totals].sort(([ka, a], [kb, b]) => b - a || byKey(ka, kb)).map(([k]) => k);
  const rank = new Map(order.map((k, i) => [k, i]));

  return {
    group_by: q.group_by,
    bucket: q.bucket,
    since: q.since.toISOString(),
    until: q.until.toISOString(),
    buckets: bucketStarts(q).map((d) => d.toISOString()),
    groups: order.map((k) => ({
      key: keyOf(k),
      label: labelOf(q.group_by, k, names),
      total: totals.get(k)!,
      share_percent: Math.round((totals.get(k)! / all) * 10_000) / 100,
    })),
    rows: counts
      .sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || rank.get(a.key)! - rank.get(b.key)!)
      .map((c) => ({ bucket: c.bucket.toISOString(), key: keyOf(c.key), count: c.count })),
  };
}

interface BucketCount {
  bucket: Date;
  key: string;
  count: number;
}

async function countsOf(db: PrismaClient, q: RejectionReportQuery): Promise<BucketCount[]> {
  const values: unknown[] = [q.since.toISOString(), q.until.toISOString()];
  const where: string[] = [];
  if (q.group_by !== 'outcome') {
    values.push(REJECTION_OUTCOMES);
    where.push(`outcome = ANY($${values.length}::postback_outcome[])`);
  }
  if (q.advertiser_id !== undefined) {
    values.push(q.advertiser_id);
    where.push(`advertiser_id = $${values.length}::int`);
  }
  if (q.offer_id !== undefined) {
    values.push(q.offer_id);
    where.push(`offer_id = $${values.length}::int`);
  }
  // Each side filtered on its own time column, so each reads its index's range. The span is whole buckets
  // (rejectionReportSchema), so the deltas' hours in it are exactly the hours of its buckets.
  const filter = (time: string) => [`${time} >= $1::timestamptz`, `${time} < $2::timestamptz`, ...where].join(' AND ');
  const rollups = ROLLUPS[q.bucket];
  const deltaBucket = q.bucket === 'hour' ? 'hour' : `date_trunc('day', hour, 'UTC')`;
  const rows = await db.$queryRawUnsafe<Array<{ bucket: Date; key: string; count: bigint }>>(
    `SELECT bucket, key, sum(count)::bigint AS count
     FROM (SELECT ${rollups.time} AS bucket, ${KEY_COLUMN[q.group_by]}::text AS key, count
           FROM ${rollups.table} WHERE ${filter(rollups.time)}
           UNION ALL
           SELECT ${deltaBucket}, ${KEY_COLUMN[q.group_by]}::text, count
           FROM rejection_rollup_deltas WHERE ${filter('hour')}) AS counted
     GROUP BY 1, 2
     HAVING sum(count) > 0`,
    ...values,
  );
  return rows.map((r) => ({ bucket: r.bucket, key: r.key, count: Number(r.count) }));
}

/** The names of the offers or advertisers a report counts under, by id; nothing for the other groupings. */
async function namesOf(db: PrismaClient, groupBy: ReportGroupBy, keys: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(keys)].map(Number);
  if (ids.length === 0) return new Map();
  const found =
    groupBy === 'offer'
      ? await db.offer.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
      : groupBy === 'advertiser'
        ? await db.advertiser.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
        : [];
  return new Map(found.map((r) => [String(r.id), r.name]));
}

function labelOf(groupBy: ReportGroupBy, key: string, names: ReadonlyMap<string, string>): string {
  if (groupBy === 'reason' || groupBy === 'outcome') return key;
  const name = names.get(key);
  const noun = groupBy === 'offer' ? 'Offer' : 'Advertiser';
  return name === undefined ? `${noun} ${key}` : `${noun} ${key} ${name}`;
}
