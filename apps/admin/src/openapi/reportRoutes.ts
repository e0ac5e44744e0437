import { z } from 'zod';
import { rejectionReport } from '../services/rejectionReport.js';
import { REPORT_BUCKETS, REPORT_GROUP_BYS, rejectionReportSchema } from '../services/rejectionReportQuery.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText } from './responseTypes.js';

const reportKey = z.union([z.string(), z.int()]).meta({ description: 'A reason or an outcome, or an offer\'s or advertiser\'s id' });

const report = z
  .strictObject({
    group_by: z.enum(REPORT_GROUP_BYS),
    bucket: z.enum(REPORT_BUCKETS),
    since: instantText.meta({ description: "The first bucket's start" }),
    until: instantText.meta({ description: 'The end of the last bucket (exclusive)' }),
    buckets: z.array(instantText).meta({ description: 'Every bucket start of the span, ascending, empty ones too' }),
    groups: z
      .array(z.strictObject({ key: reportKey, label: z.string(), total: z.int(), share_percent: z.number() }))
      .meta({ description: "Largest total first; share_percent of the report's total, two decimals" }),
    rows: z
      .array(z.strictObject({ bucket: instantText, key: reportKey, count: z.int() }))
      .meta({ description: 'Non-zero counts only, by bucket, then in the order of groups' }),
  })
  .meta({ id: 'RejectionReport' });

/** The console's reports, read from the rollups (reportRoutes.ts). */
export const reportRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/reports/rejections',
    summary: 'Rejections over time, grouped by reason, offer, advertiser or outcome, in hour or day buckets',
    description: 'The span is widened to whole buckets (UTC); the answer says which span it covers.',
    // The object the service's schema parses before widening the span to whole buckets: the parameters as sent.
    query: rejectionReportSchema.in,
    responses: { 200: { description: 'The report', schema: answeredBy(report, rejectionReport) } },
  },
  {
    method: 'get',
    path: '/admin/reports/rejections.csv',
    summary: 'The same report as CSV',
    query: rejectionReportSchema.in,
    responses: { 200: { description: 'The CSV (Content-Disposition names the file)', contentType: 'text/csv', schema: z.string() } },
  },
];
