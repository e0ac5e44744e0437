import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createPublisher, listPublishers } from '../api/affiliateRoutes';
import type { Publisher } from '../api/affiliateTypes';
import { DataTable, type Column } from '../components/DataTable';
import { LoadMore } from '../components/LoadMore';
import { useNameSearch } from '../components/NameSearch';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { formatTime } from '../format/format';

const columns: Column<Publisher>[] = [
  { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
  { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/publishers/${row.original.id}`}>{row.original.name}</Link> },
  { id: 'created', header: 'Created (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
  {
    id: 'postbacks',
    header: 'Affiliate postbacks',
    cell: ({ row }) => (
      <Link to={`/publishers/${row.original.id}`} aria-label={`Affiliate postbacks of ${row.original.name}`}>
        Affiliate postbacks
      </Link>
    ),
  },
];

/** The publishers (affiliates) who earn the conversions, searched by a part of the name in the API. */
export function PublishersPage() {
  const { name, form: search } = useNameSearch();
  const query = useInfiniteQuery({
    queryKey: ['publishers', name],
    queryFn: ({ pageParam }) => listPublishers({ name: name || undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.publishers) ?? [];
  return (
    <>
      <h1>Publishers</h1>
      <CreatePublisher />
      {search}
      {query.isPending ? (
        <Loading what="publishers" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{name ? `No publisher's name contains “${name}”.` : 'No publishers yet — create one above.'}</Empty>
      ) : (
        <>
          <DataTable label="Publishers" columns={columns} rows={rows} rowKey={(p) => String(p.id)} />
          <LoadMore query={query} />
        </>
      )}
    </>
  );
}

function CreatePublisher() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => createPublisher({ name: name.trim() }),
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: ['publishers'] });
      void navigate(`/publishers/${made.id}`);
    },
  });
  return (
    <form
      className="create"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <label>
        New publisher's name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create publisher
      </button>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}
