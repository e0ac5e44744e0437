import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { apiHref } from '../api/http';
import { rejectionReport, REPORT_CSV_PATH, type ReportQuery } from '../api/routes';
import type { RejectionReport } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { FilterForm } from '../components/FilterForm';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { RejectionChart } from '../components/RejectionChart';
import { filterFromForm, filterFromSearch, searchFromFilter } from '../filters/queryFilter';
import { REPORT_FILTER } from '../filters/specs';
import { formatPercent } from '../format/format';
import { bucketLabel, chartRowsOf, seriesOf } from '../report/reportSeries';

type Group = RejectionReport['groups'][number];

const GROUP_NAMES = { reason: 'Reason', offer: 'Offer', advertiser: 'Advertiser', outcome: 'Outcome' } as const;

const FIELDS = [
  { name: 'group_by', label: 'Group by', options: Object.entries(GROUP_NAMES).map(([v, text]) => [v, text.toLowerCase()] as const) },
  { name: 'bucket', label: 'Per', options: [['day', 'day'], ['hour', 'hour']] as const },
  { name: 'since', label: 'From (UTC)' },
  { name: 'until', label: 'Before (UTC)' },
  { name: 'advertiser_id', label: 'Advertiser id' },
  { name: 'offer_id', label: 'Offer id' },
];

/** Rejections over time by reason, offer, advertiser or outcome, and each group's share ("fraud distribution"). */
export function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromSearch(REPORT_FILTER, params);
  const query: ReportQuery = {
    ...filter,
    group_by: (filter.group_by ?? 'reason') as ReportQuery['group_by'],
    bucket: (filter.bucket ?? 'day') as ReportQuery['bucket'],
  };
  const report = useQuery({ queryKey: ['report', query], queryFn: () => rejectionReport(query) });
  const groupName = GROUP_NAMES[query.group_by];
  const groupColumns: Column<Group>[] = [
    { id: 'label', header: groupName, cell: ({ row }) => row.original.label },
    { id: 'total', header: 'Rejections', cell: ({ row }) => row.original.total },
    { id: 'share', header: 'Share', cell: ({ row }) => <Share percent={row.original.share_percent} /> },
  ];
  return (
    <>
      <h1>Reports</h1>
      <FilterForm spec={REPORT_FILTER} fields={FIELDS} filter={{ ...filter, group_by: query.group_by, bucket: query.bucket }} onApply={(form) => setParams(searchFromFilter(REPORT_FILTER, filterFromForm(REPORT_FILTER, form)))}>
        <a className="button" href={apiHref(REPORT_CSV_PATH, query)} download>
          Export CSV
        </a>
      </FilterForm>
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.isError ? (
        <ErrorNotice error={report.error} retry={() => void report.refetch()} />
      ) : report.data.groups.length === 0 ? (
        <Empty>No rejections in this time range. Widen it, or check the rejection log for postbacks.</Empty>
      ) : (
        <>
          <p className="muted">
            {bucketLabel(report.data.since, 'hour')} to {bucketLabel(report.data.until, 'hour')} UTC, per {report.data.bucket}.
          </p>
          <RejectionChart report={report.data} />
          <h2>{query.group_by === 'reason' ? 'Fraud distribution: share of each reason' : `Share of each ${groupName.toLowerCase()}`}</h2>
          <DataTable label={`Share of each ${groupName.toLowerCase()}`} columns={groupColumns} rows={report.data.groups} rowKey={(g) => String(g.key)} />
          <h2>Per {query.bucket}</h2>
          <PerBucketTable report={report.data} />
        </>
      )}
    </>
  );
}

/** The chart's numbers as a table: a row per bucket that has any, a column per series, and the bucket's total. */
function PerBucketTable({ report }: { report: RejectionReport }) {
  const series = seriesOf(report);
  const rows = chartRowsOf(report, series)
    .map((row) => ({ row, total: series.reduce((sum, s) => sum + Number(row[s.key] ?? 0), 0) }))
    .filter((r) => r.total > 0);
  const columns: Column<(typeof rows)[number]>[] = [
    { id: 'bucket', header: report.bucket === 'day' ? 'Day (UTC)' : 'Hour (UTC)', cell: ({ row }) => bucketLabel(row.original.row.bucket, report.bucket) },
    ...series.map((s): Column<(typeof rows)[number]> => ({ id: `series-${s.key}`, header: s.label, cell: ({ row }) => row.original.row[s.key] ?? 0 })),
    { id: 'total', header: 'Total', cell: ({ row }) => row.original.total },
  ];
  if (rows.length === 0) return <Empty>No rejections in any {report.bucket} of this range.</Empty>;
  return <DataTable label={`Rejections per ${report.bucket}`} columns={columns} rows={rows} rowKey={(r) => r.row.bucket} />;
}

/** A share as a number and a bar (a <meter>: its look comes from the style sheet, no inline style). */
function Share({ percent }: { percent: number }) {
  return (
    <span className="share">
      <meter min={0} max={100} value={percent} aria-hidden="true" />
      {formatPercent(percent)}
    </span>
  );
}
