import { z } from 'zod';
import { instant, int4Id } from './inputTypes.js';

export const REPORT_GROUP_BYS = ['reason', 'offer', 'advertiser', 'outcome'] as const;
export type ReportGroupBy = (typeof REPORT_GROUP_BYS)[number];
export const REPORT_BUCKETS = ['hour', 'day'] as const;
export type ReportBucket = (typeof REPORT_BUCKETS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const BUCKET_MS: Readonly<Record<ReportBucket, number>> = { hour: HOUR_MS, day: DAY_MS };
/** The default span: until − 30 days. */
export const REPORT_DEFAULT_DAYS = 30;
/** The widest span a report covers: a bit over a year of day buckets. */
export const REPORT_MAX_DAYS = 400;
/** The widest span of hour buckets: a month, at most 744 of them. */
export const REPORT_MAX_HOUR_DAYS = 31;

export interface RejectionReportQuery {
  group_by: ReportGroupBy;
  bucket: ReportBucket;
  /** The first bucket's start (since, floored to its bucket). */
  since: Date;
  /** The end of the last bucket (until, rounded up to a bucket boundary): exclusive. */
  until: Date;
  advertiser_id?: number;
  offer_id?: number;
}

/**
 * The query of GET /admin/reports/rejections(.csv). Strict: a misspelt parameter is a 400, never a silently
 * unfiltered report. The counts are kept per hour (UTC), so the span is widened to whole buckets, and the answer
 * says which span it covers.
 */
export const rejectionReportSchema = z
  .strictObject({
    group_by: z.enum(REPORT_GROUP_BYS).default('reason'),
    bucket: z.enum(REPORT_BUCKETS).default('day'),
    since: instant.optional(),
    until: instant.optional(),
    advertiser_id: int4Id.optional(),
    offer_id: int4Id.optional(),
  })
  .transform((q, ctx): RejectionReportQuery => {
    const until = q.until ?? (q.since ? new Date(Math.max(Date.now(), q.since.getTime() + 1)) : new Date());
    const since = q.since ?? new Date(until.getTime() - REPORT_DEFAULT_DAYS * DAY_MS);
    const span = until.getTime() - since.getTime();
    if (span <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be after since', path: ['until'] });
    } else if (span > REPORT_MAX_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${REPORT_MAX_DAYS} days before until`, path: ['since'] });
    } else if (q.bucket === 'hour' && span > REPORT_MAX_HOUR_DAYS * DAY_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `hour buckets cover at most ${REPORT_MAX_HOUR_DAYS} days: narrow since–until or use bucket=day`,
        path: ['bucket'],
      });
    }
    const size = BUCKET_MS[q.bucket];
    return {
      group_by: q.group_by,
      bucket: q.bucket,
      since: new Date(Math.floor(since.getTime() / size) * size),
      until: new Date(Math.ceil(until.getTime() / size) * size),
      ...(q.advertiser_id === undefined ? {} : { advertiser_id: q.advertiser_id }),
      ...(q.offer_id === undefined ? {} : { offer_id: q.offer_id }),
    };
  });

/** Every bucket start of the span, ascending (UTC: an hour and a day are fixed lengths). */
export function bucketStarts(query: Pick<RejectionReportQuery, 'bucket' | 'since' | 'until'>): Date[] {
  const size = BUCKET_MS[query.bucket];
  const starts: Date[] = [];
  for (let t = query.since.getTime(); t < query.until.getTime(); t += size) starts.push(new Date(t));
  return starts;
}
