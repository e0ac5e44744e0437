import { stringify } from 'csv-stringify/sync';
import type { RejectionReport } from './rejectionReport.js';

/**
 * A report as CSV: a header and one line per non-zero count (bucket, key, label, count). Reasons are the
 * advertisers' own text: a cell that a spreadsheet would read as a formula (=, +, -, @…) is quoted out of it.
 */
export function rejectionReportCsv(report: RejectionReport): string {
  const labels = new Map(report.groups.map((g) => [g.key, g.label]));
  return stringify(
    report.rows.map((r) => [r.bucket, r.key, labels.get(r.key) ?? '', r.count]),
    { header: true, columns: ['bucket', 'key', 'label', 'count'], escape_formulas: true },
  );
}

/** The file name a download of this report gets: what it covers, in the name. */
export function rejectionReportFileName(report: RejectionReport): string {
  const day = (iso: string) => iso.slice(0, 10);
  return `rejections-by-${report.group_by}-${day(report.since)}-${day(report.until)}.csv`;
}
