import type { RejectionReport } from '../api/types';

/** Series the stacked chart draws; past this many groups the smallest are summed as one "other" series. */
export const MAX_SERIES = 8;
export const OTHER_KEY = '__other__';

export interface Series {
  /** The group's key as text (an offer's or advertiser's id is a number in the report): a chart row's property name. */
  key: string;
  label: string;
}

/** The chart's series: the largest groups (the API sends them largest first), then "other" for the rest. */
export function seriesOf(report: Pick<RejectionReport, 'groups'>, max = MAX_SERIES): Series[] {
  if (report.groups.length <= max) return report.groups.map((g) => ({ key: String(g.key), label: g.label }));
  const shown = report.groups.slice(0, max - 1).map((g) => ({ key: String(g.key), label: g.label }));
  return [...shown, { key: OTHER_KEY, label: `${report.groups.length - shown.length} others` }];
}

export type ChartRow = { bucket: string } & Record<string, number | string>;

/** One row per bucket (empty buckets too, as zeros), one number per series: what a stacked bar chart takes. */
export function chartRowsOf(report: Pick<RejectionReport, 'buckets' | 'rows' | 'groups'>, series: Series[]): ChartRow[] {
  const shown = new Set(series.map((s) => s.key));
  const byBucket = new Map<string, ChartRow>();
  for (const bucket of report.buckets) {
    const row: ChartRow = { bucket };
    for (const s of series) row[s.key] = 0;
    byBucket.set(bucket, row);
  }
  for (const { bucket, key, count } of report.rows) {
    const row = byBucket.get(bucket);
    if (!row) continue;
    const seriesKey = shown.has(String(key)) ? String(key) : OTHER_KEY;
    if (!shown.has(seriesKey)) continue;
    row[seriesKey] = Number(row[seriesKey] ?? 0) + count;
  }
  return [...byBucket.values()];
}

/** A bucket's start as the axis and the table show it: the day, or the day and hour (UTC). */
export function bucketLabel(iso: string, bucket: RejectionReport['bucket']): string {
  const text = new Date(iso).toISOString();
  return bucket === 'day' ? text.slice(0, 10) : `${text.slice(0, 10)} ${text.slice(11, 13)}:00`;
}
