import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { apiHref } from '../api/http';
import { POSTBACKS_CSV_PATH, searchPostbacks } from '../api/routes';
import { OUTCOMES, type PostbackLogEntry } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { FilterForm } from '../components/FilterForm';
import { LoadMore } from '../components/LoadMore';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { filterFromForm, filterFromSearch, searchFromFilter } from '../filters/queryFilter';
import { LOG_FILTER } from '../filters/specs';
import { formatDuration, formatTime, orDash } from '../format/format';

const columns: Column<PostbackLogEntry>[] = [
  { id: 'received', header: 'Received (UTC)', cell: ({ row }) => formatTime(row.original.received_at) },
  { id: 'applied', header: 'Applied (UTC)', cell: ({ row }) => formatTime(row.original.processed_at) },
  { id: 'latency', header: 'Latency', cell: ({ row }) => formatDuration(row.original.latency_ms) },
  {
    id: 'transaction',
    header: 'Transaction id',
    cell: ({ row }) => <Link to={`/conversions/${encodeURIComponent(row.original.transaction_id)}`}>{row.original.transaction_id}</Link>,
  },
  {
    id: 'endpoint',
    header: 'Rejection URL',
    cell: ({ row }) => (row.original.endpoint_id !== null ? row.original.endpoint_id : row.original.bulk_id ? `bulk ${row.original.bulk_id.slice(0, 8)}` : '—'),
  },
  { id: 'reason', header: 'Reason', cell: ({ row }) => <span className="wrap">{row.original.reason}</span> },
  { id: 'outcome', header: 'Outcome', cell: ({ row }) => <span className={`outcome outcome-${row.original.outcome}`}>{row.original.outcome}</span> },
  { id: 'attempts', header: 'Attempts', cell: ({ row }) => row.original.attempts },
  { id: 'error', header: 'Error', cell: ({ row }) => <span className="wrap">{orDash(row.original.error)}</span> },
  { id: 'source', header: 'Source', cell: ({ row }) => orDash(row.original.source) },
];

const FIELDS = [
  { name: 'advertiser_id', label: 'Advertiser id' },
  { name: 'offer_id', label: 'Offer id' },
  { name: 'endpoint_id', label: 'Rejection URL id' },
  { name: 'outcome', label: 'Outcome', options: [['', 'any'], ...OUTCOMES.map((o) => [o, o] as const)] as const },
  { name: 'transaction_id', label: 'Transaction id' },
  { name: 'since', label: 'Received from (UTC)' },
  { name: 'until', label: 'Received before (UTC)' },
];

/** The server log of rejection postbacks: every postback applied, newest first, filtered by the URL's query string. */
export function RejectionLogPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromSearch(LOG_FILTER, params);
  const query = useInfiniteQuery({
    queryKey: ['postbacks', filter],
    queryFn: ({ pageParam }) => searchPostbacks({ ...filter, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.postbacks) ?? [];
  return (
    <>
      <h1>Rejection log</h1>
      <FilterForm spec={LOG_FILTER} fields={FIELDS} filter={filter} onApply={(form) => setParams(searchFromFilter(LOG_FILTER, filterFromForm(LOG_FILTER, form)))}>
        <button type="button" onClick={() => setParams({})}>
          Clear
        </button>
        <a className="button" href={apiHref(POSTBACKS_CSV_PATH, filter)} download>
          Export CSV
        </a>
      </FilterForm>
      {query.isPending ? (
        <Loading what="the rejection log" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No postbacks match these filters. Widen the time range or clear a filter.</Empty>
      ) : (
        <>
          <DataTable label="Rejection log" columns={columns} rows={rows} rowKey={(p) => p.postback_id} />
          <LoadMore query={query} />
        </>
      )}
    </>
  );
}
