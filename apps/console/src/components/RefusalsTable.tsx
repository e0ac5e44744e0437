import { useInfiniteQuery } from '@tanstack/react-query';
import { listRefusals } from '../api/routes';
import type { Refusal } from '../api/types';
import { formatTime, orDash } from '../format/format';
import { DataTable, type Column } from './DataTable';
import { LoadMore } from './LoadMore';
import { Empty, ErrorNotice, Loading } from './QueryState';

const columns: Column<Refusal>[] = [
  { id: 'at', header: 'Time (UTC)', cell: ({ row }) => formatTime(row.original.at) },
  { id: 'status', header: 'Status', cell: ({ row }) => row.original.status },
  { id: 'error', header: 'Error', cell: ({ row }) => <span className="wrap">{row.original.error}</span> },
  { id: 'endpoint', header: 'URL id', cell: ({ row }) => orDash(row.original.endpoint_id) },
  { id: 'client', header: 'Client', cell: ({ row }) => row.original.client },
  { id: 'path', header: 'Path (key masked)', cell: ({ row }) => <code className="wrap">{row.original.path}</code> },
];

/** Requests the receiver refused (bad input, unknown or revoked key, too many…), newest first. */
export function RefusalsTable({ filter }: { filter: { endpoint_id?: number; status?: number; since?: string } }) {
  const query = useInfiniteQuery({
    queryKey: ['refusals', filter],
    queryFn: ({ pageParam }) => listRefusals({ ...filter, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (query.isPending) return <Loading what="refused requests" />;
  if (query.isError) return <ErrorNotice error={query.error} retry={() => void query.refetch()} />;
  const rows = query.data.pages.flatMap((p) => p.refusals);
  if (rows.length === 0) return <Empty>No refused requests{filter.endpoint_id ? ' for this URL' : ''}: every request was accepted.</Empty>;
  return (
    <>
      <DataTable label="Refused requests" columns={columns} rows={rows} rowKey={(r) => r.id} />
      <LoadMore query={query} />
    </>
  );
}
